/**
 * WebGPU kernels on edge cases, each against the CPU float64 run of the same plan and, where
 * one is at hand, a hand-written loop: GEMM sizes of 1, primes and non-multiples of every tile
 * size, batched and permuted operands, convolutions as implicit GEMM with every padding mode,
 * stride and dilation, full convolutions of two filters, reductions, diagonals, outer products
 * big enough for many workgroups, and dispatch grids folded into two and three dimensions.
 * Every two-input case runs with each kernel family (auto, per-output, GEMM unstaged, staged,
 * tiled convolution), those that read padding virtually also with it copied first, and checks
 * that padding kernels ran exactly where the padding was copied.
 *
 * Tolerance rule (webgpu-harness.ts): max |gpu - reference| <= 1e-4 * max |reference|.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvOptions, ConvOptionsMap } from '../../server/src/engine/options.js';
import type { PlanStep, PlanTree } from '../../server/src/engine/plan.js';
import type { Tensor } from '../../server/src/runtime/cpu/tensor.js';
import { runPlanOnGpu } from '../../server/src/runtime/webgpu/executor.js';
import { dispatchGrid } from '../../server/src/runtime/webgpu/grid.js';
import { GpuProgram, type CompileOptions } from '../../server/src/runtime/webgpu/program.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { conv1d, conv2d, type AxisConv, type Mode } from './reference.js';
import { expectPaddingAsChosen, expectPlanMatches, expectWithinTolerance, KERNEL_VARIANTS, planOf, planOfStep, testGpu } from './webgpu-harness.js';

const gpu = await testGpu();
afterAll(() => gpu?.release());
const random = seeded(2024);

function matmul(a: Tensor, b: Tensor): Tensor {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let l = 0; l < k; l++) sum += a.data[i * k + l]! * b.data[l * n + j]!;
      data[i * n + j] = sum;
    }
  return { shape: [m, n], data };
}

describe.skipIf(!gpu)('matrix products ij,jk->ik', () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [1, 7, 1],
    [7, 1, 13],
    [13, 11, 7],
    [37, 53, 29],
    [65, 67, 70],
    [64, 64, 16],
    [2, 300, 3],
    [129, 5, 66],
  ];
  for (const [m, k, n] of sizes) {
    it(`${m}x${k} times ${k}x${n}, every kernel, against a hand loop`, async () => {
      const a = randomTensor([m, k], random);
      const b = randomTensor([k, n], random);
      const expected = matmul(a, b);
      const plan = planOf('ij,jk->ik', [a, b]);
      for (const variant of KERNEL_VARIANTS) {
        const run = await runPlanOnGpu(gpu!, plan, [a, b], variant.options);
        expectWithinTolerance(run.output, expected, `${variant.name}: ${run.kernels[0]}`);
      }
    });
  }
});

describe.skipIf(!gpu)('batched and permuted products', () => {
  const cases: [string, number[][]][] = [
    ['bij,bjk->bik', [[5, 9, 17], [5, 17, 10]]],
    ['ibj,bkj->bki', [[11, 3, 19], [3, 23, 19]]],
    ['ij,jk->ki', [[31, 17], [17, 9]]],
    ['abc,cbd->da', [[3, 4, 5], [5, 4, 33]]],
    ['ijk,jl->kli', [[6, 7, 10], [7, 12]]],
  ];
  for (const [text, shapes] of cases) {
    it(`${text} ${JSON.stringify(shapes)}, every kernel`, async () => {
      const inputs = shapes.map((shape) => randomTensor(shape, random));
      const plan = planOf(text, inputs);
      for (const variant of KERNEL_VARIANTS) await expectPlanMatches(gpu!, plan, inputs, variant.options);
    });
  }
});

const MODES: Mode[] = ['zeros', 'circular', 'reflect', 'replicate'];

describe.skipIf(!gpu)('convolutions as implicit GEMM: bshw,tshw->bthw|hw against a hand-written conv2d', () => {
  const x = randomTensor([2, 5, 11, 13], random);
  const w = randomTensor([7, 5, 3, 2], random);
  const settings: { name: string; h: AxisConv; w: AxisConv }[] = [
    ...MODES.map((mode) => ({
      name: `padding 2:1 and 1:0, ${mode}`,
      h: { stride: 1, dilation: 1, lo: 2, hi: 1, mode },
      w: { stride: 1, dilation: 1, lo: 1, hi: 0, mode },
    })),
    { name: 'stride 2 and dilation 2 on h, stride 3 on w, reflect', h: { stride: 2, dilation: 2, lo: 2, hi: 2, mode: 'reflect' }, w: { stride: 3, dilation: 1, lo: 1, hi: 1, mode: 'reflect' } },
    { name: 'stride 3, dilation 3, circular, valid on w', h: { stride: 3, dilation: 3, lo: 3, hi: 3, mode: 'circular' }, w: { stride: 2, dilation: 1, lo: 0, hi: 0, mode: 'zeros' } },
  ];
  const option = (axis: AxisConv): ConvOptions => ({ stride: axis.stride, dilation: axis.dilation, padding: { kind: 'explicit', lo: axis.lo, hi: axis.hi }, mode: axis.mode });
  for (const s of settings) {
    it(`${s.name}, every kernel`, async () => {
      const conv: ConvOptionsMap = { h: option(s.h), w: option(s.w) };
      const expected = conv2d(x, w, s.h, s.w);
      for (const tree of [pair(0, 1), pair(1, 0)]) {
        const plan = planOf('bshw,tshw->bthw|hw', [x, w], conv, tree);
        for (const variant of KERNEL_VARIANTS) {
          const run = await runPlanOnGpu(gpu!, plan, [x, w], variant.options);
          expectWithinTolerance(run.output, expected, `${variant.name}: ${run.kernels[0]}`);
          expectPaddingAsChosen(plan, run.kernels, variant.options);
        }
      }
    });
  }

  it('padding larger than the axis where the mode allows it (replicate 7, circular = n, reflect = n - 1)', async () => {
    const x1 = randomTensor([2, 3, 5], random);
    const w1 = randomTensor([4, 3, 2], random);
    const axes: AxisConv[] = [
      { stride: 1, dilation: 1, lo: 7, hi: 6, mode: 'replicate' },
      { stride: 2, dilation: 1, lo: 5, hi: 5, mode: 'circular' },
      { stride: 1, dilation: 2, lo: 4, hi: 4, mode: 'reflect' },
    ];
    for (const axis of axes) {
      const conv = { h: { stride: axis.stride, dilation: axis.dilation, padding: { kind: 'explicit' as const, lo: axis.lo, hi: axis.hi }, mode: axis.mode } };
      const plan = planOf('bsh,tsh->bth|h', [x1, w1], conv);
      for (const variant of KERNEL_VARIANTS) {
        const run = await runPlanOnGpu(gpu!, plan, [x1, w1], variant.options);
        expectWithinTolerance(run.output, conv1d(x1, w1, axis), `${variant.name}: ${axis.mode} ${axis.lo}:${axis.hi} [${run.kernels[0]}]`);
        expectPaddingAsChosen(plan, run.kernels, variant.options);
      }
    }
  });
});

describe.skipIf(!gpu)('full convolutions of two filters', () => {
  const cases: [string, number[][], PlanTree][] = [
    // Filters first: the smaller filter is zero-padded, the other read backwards.
    ['bh,h,h->bh|h', [[3, 17], [3], [5]], { left: { leaf: 0 }, right: pair(1, 2) }],
    ['bh,h,h->bh|h', [[3, 17], [5], [3]], { left: { leaf: 0 }, right: pair(1, 2) }],
    ['bh,rh,rh->brh|h', [[2, 19], [3, 4], [3, 2]], { left: { leaf: 0 }, right: pair(2, 1) }],
    ['bsh,rh,rth->bth|h', [[2, 3, 23], [4, 3], [4, 5, 6]], { left: { leaf: 0 }, right: pair(1, 2) }],
    ['bshw,rhw,rh,rts->bthw|hw', [[2, 3, 9, 8], [5, 3, 2], [5, 2], [5, 4, 3]], { left: { leaf: 0 }, right: { left: pair(1, 2), right: { leaf: 3 } } }],
  ];
  for (const [text, shapes, tree] of cases) {
    it(`${text} ${JSON.stringify(shapes)}, every kernel`, async () => {
      const inputs = shapes.map((shape) => randomTensor(shape, random));
      const plan = planOf(text, inputs, { h: { padding: { kind: 'explicit', lo: 2, hi: 3 }, mode: 'reflect' } }, tree);
      expect(plan.steps.map((s) => s.kind)).toContain('filter-convolution');
      for (const variant of KERNEL_VARIANTS) await expectPlanMatches(gpu!, plan, inputs, variant.options);
    });
  }
});

describe.skipIf(!gpu)('reductions, permutations, diagonals, outer products', () => {
  const cases: [string, number[][]][] = [
    ['ijk->j', [[3, 5, 7]]],
    ['ijk->kij', [[3, 5, 7]]],
    ['ii->i', [[6, 6]]],
    ['ii->', [[6, 6]]],
    ['iij,jk->ik', [[4, 4, 5], [5, 3]]],
    [',i,->i', [[], [5], []]],
    ['i,i->', [[1000], [1000]]],
    ['ij,kl->ik', [[3, 4], [5, 6]]],
    ['i,j->ij', [[1, 1], [1]].map((s) => s.slice(0, 1))],
  ];
  for (const [text, shapes] of cases) {
    it(`${text} ${JSON.stringify(shapes)}`, async () => {
      const inputs = shapes.map((shape) => randomTensor(shape, random));
      for (const variant of KERNEL_VARIANTS) await expectPlanMatches(gpu!, planOf(text, inputs), inputs, variant.options);
    });
  }

  it('an outer product of 613 x 599 (360k outputs, over a thousand workgroups) against a hand loop', async () => {
    const a = randomTensor([613], random);
    const b = randomTensor([599], random);
    const expected = { shape: [613, 599], data: new Float64Array(613 * 599) };
    for (let i = 0; i < 613; i++) for (let j = 0; j < 599; j++) expected.data[i * 599 + j] = a.data[i]! * b.data[j]!;
    const run = await runPlanOnGpu(gpu!, planOf('i,j->ij', [a, b]), [a, b]);
    expectWithinTolerance(run.output, expected);
  });
});

describe.skipIf(!gpu)('dispatch grids folded into more than one dimension', () => {
  it('dispatchGrid folds a count into x, then y, then z', () => {
    expect(dispatchGrid(5, 7)).toEqual([5, 1, 1]);
    expect(dispatchGrid(40, 7)).toEqual([7, 6, 1]);
    expect(dispatchGrid(100, 7)).toEqual([7, 7, 3]);
    expect(() => dispatchGrid(7 ** 3 + 1, 7)).toThrow(/dispatch grid/);
  });

  const cases: [string, number[][], ConvOptionsMap][] = [
    ['ij,jk->ik', [[45, 37], [37, 41]], {}],
    ['bshw,tshw->bthw|hw', [[2, 3, 12, 10], [5, 3, 3, 3]], { h: { mode: 'circular' }, w: { mode: 'replicate' } }],
    ['ijk->kji', [[9, 10, 11]], {}],
  ];
  for (const [text, shapes, conv] of cases) {
    for (const perDimension of [2, 3]) {
      it(`${text} with at most ${perDimension} workgroups per dimension (2D and 3D grids)`, async () => {
        const inputs = shapes.map((shape) => randomTensor(shape, random));
        const plan = planOf(text, inputs, conv);
        for (const variant of KERNEL_VARIANTS) {
          await expectPlanMatches(gpu!, plan, inputs, { ...variant.options, limits: { maxComputeWorkgroupsPerDimension: perDimension ** 2 } });
        }
      });
    }
  }
});

describe.skipIf(!gpu)('hand-made steps', () => {
  const tensorOf = (shape: number[], values: number[]): Tensor => ({ shape, data: Float64Array.from(values) });
  function step(inputIndices: string[][], inputShapes: number[][], indices: string[], outputShape: number[], axes: PlanStep['axes']): PlanStep {
    return { inputs: inputIndices.map((_, k) => k), output: inputIndices.length, inputIndices, inputShapes, indices, outputShape, spec: 'hand-made', kind: 'convolution', macs: 0, axes, operands: inputIndices.map((_, k) => k), exact: true };
  }
  const run = async (s: PlanStep, inputs: Tensor[], options: CompileOptions = {}) => Array.from((await runPlanOnGpu(gpu!, planOfStep(s), inputs, options)).output.data);

  it('correlates a padded feature held by B, with stride', async () => {
    // Xpad = [0, 1, 2, 3, 4, 5]; out[o] = Xpad[2o] * 10 + Xpad[2o + 1] * 1.
    const s = step([['h'], ['h']], [[2], [5]], ['h'], [3], [
      { name: 'h', inA: true, inB: true, kept: true, role: 'correlate', size: 3, feature: 'b', filterSize: 2, stride: 2, dilation: 1, pad: { lo: 1, hi: 0, mode: 'zeros' } },
    ]);
    expect(await run(s, [tensorOf([2], [10, 1]), tensorOf([5], [1, 2, 3, 4, 5])])).toEqual([1, 23, 45]);
  });

  it('reads the padding of a feature held by B by every mode, virtually and from a copy', async () => {
    // Xpad by mode, then out[o] = Xpad[2o] * 10 + Xpad[2o + 1] * 1.
    const padded: Record<Mode, number[]> = {
      zeros: [0, 1, 2, 3, 4, 5, 0],
      reflect: [2, 1, 2, 3, 4, 5, 4],
      replicate: [1, 1, 2, 3, 4, 5, 5],
      circular: [5, 1, 2, 3, 4, 5, 1],
    };
    for (const mode of MODES) {
      const s = step([['h'], ['h']], [[2], [5]], ['h'], [3], [
        { name: 'h', inA: true, inB: true, kept: true, role: 'correlate', size: 3, feature: 'b', filterSize: 2, stride: 2, dilation: 1, pad: { lo: 1, hi: 1, mode } },
      ]);
      const x = padded[mode];
      const expected = [0, 1, 2].map((o) => x[2 * o]! * 10 + x[2 * o + 1]!);
      for (const variant of KERNEL_VARIANTS) {
        expect(await run(s, [tensorOf([2], [10, 1]), tensorOf([5], [1, 2, 3, 4, 5])], variant.options), `${mode}, ${variant.name}`).toEqual(expected);
      }
    }
  });

  it('correlates with dilation, then sums the output positions when the index is not kept', async () => {
    const s = step([['h'], ['h']], [[4], [2]], [], [], [
      { name: 'h', inA: true, inB: true, kept: false, role: 'correlate', size: 2, feature: 'a', filterSize: 2, stride: 1, dilation: 2 },
    ]);
    expect(await run(s, [tensorOf([4], [1, 2, 3, 4]), tensorOf([2], [1, 2])])).toEqual([17]);
  });

  it('fully convolves two filters, either one padded', async () => {
    const s = step([['h'], ['h']], [[2], [3]], ['h'], [4], [{ name: 'h', inA: true, inB: true, kept: true, role: 'full', size: 4 }]);
    const t = step([['h'], ['h']], [[3], [2]], ['h'], [4], [{ name: 'h', inA: true, inB: true, kept: true, role: 'full', size: 4 }]);
    for (const variant of KERNEL_VARIANTS) {
      expect(await run(s, [tensorOf([2], [1, 2]), tensorOf([3], [1, 1, 1])], variant.options), variant.name).toEqual([1, 3, 3, 2]);
      expect(await run(t, [tensorOf([3], [1, 1, 1]), tensorOf([2], [1, 2])], variant.options), variant.name).toEqual([1, 3, 3, 2]);
    }
  });

  it('takes a diagonal and sums an index in a one-input step', async () => {
    const s = step([['i', 'i', 'j']], [[2, 2, 2]], ['i'], [2], [
      { name: 'i', inA: true, inB: false, kept: true, role: 'plain', size: 2 },
      { name: 'j', inA: true, inB: false, kept: false, role: 'plain', size: 2 },
    ]);
    // t[i][i][j] summed over j, for t = 0..7: i=0 -> 0+1, i=1 -> 6+7.
    expect(await run(s, [tensorOf([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7])])).toEqual([1, 13]);
  });
});

describe.skipIf(!gpu)('kernels are compiled once per signature', () => {
  it('a second plan with the same loop structure and other sizes reuses every pipeline', async () => {
    const first = await GpuProgram.compile(gpu!, planOf('ij,jk->ik', [randomTensor([40, 30], random), randomTensor([30, 20], random)]));
    const second = await GpuProgram.compile(gpu!, planOf('ij,jk->ik', [randomTensor([41, 31], random), randomTensor([31, 21], random)]));
    expect(second.kernelLabels[0]!.replace(/\d+x\d+/g, '')).toBe(first.kernelLabels[0]!.replace(/\d+x\d+/g, ''));
    first.destroy();
    second.destroy();
  });
});

function pair(a: number, b: number): PlanTree {
  return { left: { leaf: a }, right: { leaf: b } };
}
