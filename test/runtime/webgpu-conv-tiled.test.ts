/**
 * The tiled convolution kernel against the CPU float64 reference: the per-step chooser gives it
 * the depthwise steps of the CP plan, and a sweep of depthwise 1-D and 2-D steps over every
 * padding form and mode, stride and dilation, with the feature on either side, at sizes that
 * are not multiples of the block (primes, 1), with channels read one by one and four at a time,
 * each with the padding read through its index map (fused) and from a padded copy; the 1-D
 * sweep also with the per-output kernel. The kernel edge-case table (webgpu-kernels.test.ts)
 * also runs every two-input case with this kernel forced.
 *
 * Tolerance rule (webgpu-harness.ts): max |gpu - reference| <= 1e-4 * max |reference|.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvOptions, Padding, PaddingMode } from '../../server/src/engine/options.js';
import { planExpression } from '../../server/src/engine/planner.js';
import { executePlan } from '../../server/src/runtime/cpu/execute.js';
import { runPlanOnGpu } from '../../server/src/runtime/webgpu/executor.js';
import { planKernels, type CompileOptions } from '../../server/src/runtime/webgpu/program.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { expectPaddingAsChosen, expectWithinTolerance, planOf, testGpu } from './webgpu-harness.js';

const gpu = await testGpu();
afterAll(() => gpu?.release());
const random = seeded(1212);

type Form = 'valid' | 'same' | 'full' | number | [number, number];
const FORMS: Form[] = [1, [2, 0], 'valid', 'same', 'full'];
const MODES: PaddingMode[] = ['zeros', 'circular', 'reflect', 'replicate'];
const STRIDE_DILATION: [number, number][] = [[1, 1], [2, 1], [1, 2], [3, 2]];

function padding(form: Form): Padding {
  if (typeof form === 'number') return { kind: 'explicit', lo: form, hi: form };
  if (Array.isArray(form)) return { kind: 'explicit', lo: form[0], hi: form[1] };
  return { kind: form };
}

/** The padding read virtually by the tiled kernel (the default), and copied by a padding kernel first. */
const PADDING_VARIANTS: CompileOptions[] = [{}, { padding: 'copied' }];

const CASES = FORMS.flatMap((form) => MODES.flatMap((mode) => STRIDE_DILATION.map(([stride, dilation]) => ({ form, mode, stride: form === 'same' ? 1 : stride, dilation }))));
const optionOf = (c: (typeof CASES)[number]): ConvOptions => ({ stride: c.stride, dilation: c.dilation, padding: padding(c.form), mode: c.mode });
const nameOf = (c: (typeof CASES)[number]) => `padding ${JSON.stringify(c.form)} ${c.mode} stride ${c.stride} dilation ${c.dilation}`;

describe.skipIf(!gpu)('the per-step chooser', () => {
  it('runs the depthwise steps of the CP plan tiled, and its channel mixing as GEMM', () => {
    const plan = planExpression('bshw,rt,rs,rh,rw->bthw|hw', [[8, 64, 32, 32], [16, 64], [16, 64], [16, 3], [16, 3]]);
    const labels = planKernels(gpu!, plan).kernels.map((k) => k.main.label);
    plan.steps.forEach((step, i) => {
      const convolves = step.axes.some((axis) => axis.role !== 'plain');
      expect(labels[i], step.spec).toMatch(convolves ? /^conv-tiled / : /^gemm /);
    });
    expect(plan.steps.filter((s) => s.axes.some((axis) => axis.role !== 'plain'))).toHaveLength(2);
  });

  it('leaves a step without convolution axes that the GEMM does not take to the per-output kernel', () => {
    const plan = planExpression('bi,bi->bi', [[5, 7], [5, 7]]);
    expect(planKernels(gpu!, plan).kernels[0]!.main.label).toMatch(/^per-output /);
  });
});

describe.skipIf(!gpu)('depthwise 1-D bhwr,rw->bhwr|w: every padding form and mode, stride and dilation', () => {
  // 5 channels are read one by one; 8 channels four at a time (vec4).
  const [x5, w5] = [randomTensor([2, 3, 13, 5], random), randomTensor([5, 3], random)];
  const [x8, w8] = [randomTensor([2, 3, 13, 8], random), randomTensor([8, 3], random)];
  const forms = [
    ['bhwr,rw->bhwr|w', [x5, w5], false],
    ['rw,bhwr->bhwr|w', [w5, x5], false],
    ['bhwr,rw->bhwr|w', [x8, w8], true],
    ['rw,bhwr->bhwr|w', [w8, x8], true],
  ] as const;
  for (const c of CASES) {
    it(`${nameOf(c)}, padding fused and copied`, async () => {
      for (const [text, inputs, vec4] of forms) {
        const plan = planOf(text, inputs, { w: optionOf(c) });
        const expected = executePlan(plan, inputs);
        for (const options of PADDING_VARIANTS) {
          const run = await runPlanOnGpu(gpu!, plan, inputs, options);
          const what = `${text} ${nameOf(c)} [${run.kernels[0]}]`;
          expect(run.kernels[0], what).toContain(vec4 ? 'conv-tiled vec4' : 'conv-tiled');
          if (!vec4) expect(run.kernels[0], what).not.toContain('vec4');
          // Overlapping reads (stride 1) of the feature as it is go through the block's window of registers.
          if (c.stride === 1 && options.padding !== 'copied') expect(run.kernels[0], what).toContain('window');
          expectWithinTolerance(run.output, expected, what);
          expectPaddingAsChosen(plan, run.kernels, options);
        }
        // The per-output kernel reads the same padding through the same index maps.
        const perOutput = await runPlanOnGpu(gpu!, plan, inputs, { kernel: 'per-output' });
        expectWithinTolerance(perOutput.output, expected, `${text} ${nameOf(c)} [${perOutput.kernels[0]}]`);
        expectPaddingAsChosen(plan, perOutput.kernels, {});
      }
    });
  }
});

describe.skipIf(!gpu)('depthwise 2-D bhwr,rhw->bhwr|hw: each axis with its own settings', () => {
  const pairs = CASES.filter((_, i) => i % 7 === 0).map((c, i) => [c, CASES[(i * 13 + 5) % CASES.length]!] as const);
  for (const channels of [3, 4]) {
    const x = randomTensor([1, 11, 7, channels], random);
    const w = randomTensor([channels, 3, 2], random);
    for (const [alongH, alongW] of pairs) {
      it(`${channels} channels; h: ${nameOf(alongH)}; w: ${nameOf(alongW)}`, async () => {
        const plan = planOf('bhwr,rhw->bhwr|hw', [x, w], { h: optionOf(alongH), w: optionOf(alongW) });
        const expected = executePlan(plan, [x, w]);
        for (const options of PADDING_VARIANTS) {
          const run = await runPlanOnGpu(gpu!, plan, [x, w], options);
          expect(run.kernels[0]).toContain(channels === 4 ? 'conv-tiled vec4' : 'conv-tiled');
          expectWithinTolerance(run.output, expected, `[${run.kernels[0]}]`);
          expectPaddingAsChosen(plan, run.kernels, options);
        }
      });
    }
  }
});

describe.skipIf(!gpu)('small sizes and full convolutions', () => {
  it('an axis of length 1 and a filter of 1, a length-2 axis, and a full convolution of two depthwise filters', async () => {
    const cases: [string, number[][], Record<string, ConvOptions>][] = [
      ['bwr,rw->bwr|w', [[3, 1, 4], [4, 1]], {}],
      ['bwr,rw->bwr|w', [[3, 2, 4], [4, 2]], { w: { padding: { kind: 'same' } } }],
      ['bwr,rw->bwr|w', [[2, 17, 4], [4, 5]], { w: { padding: { kind: 'full' }, dilation: 2 } }],
      ['ra,ra->ra|a', [[6, 9], [6, 4]], {}],
    ];
    for (const [text, shapes, conv] of cases) {
      const inputs = shapes.map((shape) => randomTensor(shape, random));
      const plan = planOf(text, inputs, conv);
      for (const options of PADDING_VARIANTS) {
        const run = await runPlanOnGpu(gpu!, plan, inputs, options);
        expectWithinTolerance(run.output, executePlan(plan, inputs), `${text} ${JSON.stringify(shapes)} [${run.kernels[0]}]`);
        expectPaddingAsChosen(plan, run.kernels, options);
      }
    }
  });
});
