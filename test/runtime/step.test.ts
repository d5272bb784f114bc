/** executeStep on steps written by hand, so the loop nest is checked without the planner. */
import { describe, expect, it } from 'vitest';
import type { PlanStep, StepAxis } from '../../server/src/engine/plan.js';
import { executeStep } from '../../server/src/runtime/cpu/step.js';
import { tensor } from '../../server/src/runtime/cpu/tensor.js';

function step(inputIndices: string[][], inputShapes: number[][], indices: string[], outputShape: number[], axes: StepAxis[]): PlanStep {
  return {
    inputs: inputIndices.map((_, k) => k),
    output: inputIndices.length,
    inputIndices,
    inputShapes,
    indices,
    outputShape,
    spec: 'hand-made',
    kind: 'convolution',
    macs: 0,
    axes,
    operands: inputIndices.map((_, k) => k),
    exact: true,
  };
}

describe('executeStep', () => {
  it('correlates a padded feature held by B, with stride', () => {
    // Xpad = [0, 1, 2, 3, 4, 5]; out[o] = Xpad[2o] * 10 + Xpad[2o + 1] * 1.
    const s = step([['h'], ['h']], [[2], [5]], ['h'], [3], [
      { name: 'h', inA: true, inB: true, kept: true, role: 'correlate', size: 3, feature: 'b', filterSize: 2, stride: 2, dilation: 1, pad: { lo: 1, hi: 0, mode: 'zeros' } },
    ]);
    const out = executeStep(s, [tensor([2], [10, 1]), tensor([5], [1, 2, 3, 4, 5])]);
    expect(Array.from(out.data)).toEqual([1, 23, 45]);
  });

  it('correlates with dilation, then sums the output positions when the index is not kept', () => {
    // out = sum over o < 2 of x[o] * 1 + x[o + 2] * 2 = (1 + 6) + (2 + 8).
    const s = step([['h'], ['h']], [[4], [2]], [], [], [
      { name: 'h', inA: true, inB: true, kept: false, role: 'correlate', size: 2, feature: 'a', filterSize: 2, stride: 1, dilation: 2 },
    ]);
    expect(Array.from(executeStep(s, [tensor([4], [1, 2, 3, 4]), tensor([2], [1, 2])]).data)).toEqual([17]);
  });

  it('fully convolves two filters', () => {
    const s = step([['h'], ['h']], [[2], [3]], ['h'], [4], [{ name: 'h', inA: true, inB: true, kept: true, role: 'full', size: 4 }]);
    expect(Array.from(executeStep(s, [tensor([2], [1, 2]), tensor([3], [1, 1, 1])]).data)).toEqual([1, 3, 3, 2]);
  });

  it('takes a diagonal and sums an index in a one-input step', () => {
    // t[i][i][j] summed over j, for t = 0..7 in shape 2x2x2.
    const s = step([['i', 'i', 'j']], [[2, 2, 2]], ['i'], [2], [
      { name: 'i', inA: true, inB: false, kept: true, role: 'plain', size: 2 },
      { name: 'j', inA: true, inB: false, kept: false, role: 'plain', size: 2 },
    ]);
    expect(Array.from(executeStep(s, [tensor([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7])]).data)).toEqual([0 + 1, 6 + 7]);
  });

  it('rejects a step whose filter size does not match the filter', () => {
    const s = step([['h'], ['h']], [[2], [5]], ['h'], [4], [
      { name: 'h', inA: true, inB: true, kept: true, role: 'correlate', size: 4, feature: 'b', filterSize: 3, stride: 1, dilation: 1 },
    ]);
    expect(() => executeStep(s, [tensor([2], [1, 1]), tensor([5], [1, 2, 3, 4, 5])])).toThrow(/index h has length 2 where the step expects 3/);
  });

  it('rejects a correlation that would read past the feature', () => {
    const s = step([['h'], ['h']], [[2], [5]], ['h'], [5], [
      { name: 'h', inA: true, inB: true, kept: true, role: 'correlate', size: 5, feature: 'b', filterSize: 2, stride: 1, dilation: 1 },
    ]);
    expect(() => executeStep(s, [tensor([2], [1, 1]), tensor([5], [1, 2, 3, 4, 5])])).toThrow(/reads 6 feature positions but the \(padded\) feature has 5/);
  });

  it('rejects an index without an axis description', () => {
    const s = step([['i', 'j']], [[2, 2]], ['i'], [2], [{ name: 'i', inA: true, inB: false, kept: true, role: 'plain', size: 2 }]);
    expect(() => executeStep(s, [tensor([2, 2], [1, 2, 3, 4])])).toThrow(/index j has no axis description/);
  });
});
