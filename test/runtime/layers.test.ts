/**
 * Tensorial conv layers against "rebuild the full kernel with a hand loop, then a hand-written
 * conv": CP, Tucker and TT layers, several filters along one conv index, and a depthwise
 * separable layer; each evaluated directly, with the planner's tree and with other trees.
 */
import { describe, it } from 'vitest';
import type { PlanTree } from '../../server/src/engine/plan.js';
import type { Tensor } from '../../server/src/runtime/cpu/tensor.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { direct, leftToRight, planned, randomTree, withTree } from './evaluate.js';
import type { ConvOptionsMap } from '../../server/src/engine/options.js';
import { conv1d, conv2d, cpKernel, expectClose, fullConvolveLast, LAYER_SETTINGS as SETTINGS, ttKernel, tuckerKernel, type AxisConv } from './reference.js';


/** The planner's tree, left to right, and a few random trees give the expected tensor; so does direct evaluation. */
function expectEveryOrder(text: string, inputs: readonly Tensor[], conv: ConvOptionsMap, expected: Tensor, seed: number): void {
  expectClose(direct(text, inputs, conv), expected);
  expectClose(planned(text, inputs, conv), expected);
  const random = seeded(seed);
  const trees: PlanTree[] = [leftToRight(inputs.length), ...Array.from({ length: 6 }, () => randomTree(inputs.length, random))];
  for (const tree of trees) expectClose(withTree(text, inputs, tree, conv), expected);
}

const random = seeded(303);
const x = randomTensor([2, 3, 7, 6], random);

describe('CP layer: bshw,rt,rs,rh,rw->bthw|hw', () => {
  const factors = [randomTensor([3, 4], random), randomTensor([3, 3], random), randomTensor([3, 3], random), randomTensor([3, 2], random)] as const;
  const kernel = cpKernel(...factors);
  SETTINGS.forEach((s, i) => {
    it(s.name, () => expectEveryOrder('bshw,rt,rs,rh,rw->bthw|hw', [x, ...factors], s.conv, conv2d(x, kernel, s.h, s.w), 10 + i));
  });
});

describe('Tucker layer: bshw,(r1)t,(r2)s,(r1)(r2)hw->bthw|hw', () => {
  const factors = [randomTensor([2, 4], random), randomTensor([3, 3], random), randomTensor([2, 3, 3, 2], random)] as const;
  const kernel = tuckerKernel(...factors);
  SETTINGS.forEach((s, i) => {
    it(s.name, () => expectEveryOrder('bshw,(r1)t,(r2)s,(r1)(r2)hw->bthw|hw', [x, ...factors], s.conv, conv2d(x, kernel, s.h, s.w), 20 + i));
  });
});

describe('TT layer: bshw,(r1)t,(r1)(r2)h,(r2)(r3)w,(r3)s->bthw|hw', () => {
  const factors = [randomTensor([2, 4], random), randomTensor([2, 3, 3], random), randomTensor([3, 2, 2], random), randomTensor([2, 3], random)] as const;
  const kernel = ttKernel(...factors);
  SETTINGS.forEach((s, i) => {
    it(s.name, () => expectEveryOrder('bshw,(r1)t,(r1)(r2)h,(r2)(r3)w,(r3)s->bthw|hw', [x, ...factors], s.conv, conv2d(x, kernel, s.h, s.w), 30 + i));
  });
});

describe('several filters along one conv index: a conv with their full convolution', () => {
  const x1 = randomTensor([2, 3, 12], random);
  const w = randomTensor([4, 3, 3], random);
  const g1 = randomTensor([2], random);
  const g2 = randomTensor([3], random);
  const cases: [string, ConvOptionsMap, Omit<AxisConv, 'lo' | 'hi'>, (k: number, d: number) => [number, number]][] = [
    ['defaults (same, zeros)', {}, { stride: 1, dilation: 1, mode: 'zeros' }, (k) => [Math.floor((k - 1) / 2), k - 1 - Math.floor((k - 1) / 2)]],
    ['stride 2, dilation 2, padding 3:1, reflect', { h: { stride: 2, dilation: 2, padding: { kind: 'explicit', lo: 3, hi: 1 }, mode: 'reflect' } }, { stride: 2, dilation: 2, mode: 'reflect' }, () => [3, 1]],
    ['stride 3, full, circular', { h: { stride: 3, padding: { kind: 'full' }, mode: 'circular' } }, { stride: 3, dilation: 1, mode: 'circular' }, (k) => [k - 1, k - 1]],
    ['valid, replicate', { h: { padding: { kind: 'valid' }, mode: 'replicate' } }, { stride: 1, dilation: 1, mode: 'replicate' }, () => [0, 0]],
  ];
  cases.forEach(([name, conv, axis, padding], i) => {
    it(`bsh,tsh,h->bth|h, ${name}`, () => {
      const kernel = fullConvolveLast(w, g1);
      const [lo, hi] = padding(kernel.shape[2]!, axis.dilation);
      expectEveryOrder('bsh,tsh,h->bth|h', [x1, w, g1], conv, conv1d(x1, kernel, { ...axis, lo, hi }), 40 + i);
    });
    it(`bsh,h,tsh,h->bth|h (three filters), ${name}`, () => {
      const kernel = fullConvolveLast(fullConvolveLast(w, g1), g2);
      const [lo, hi] = padding(kernel.shape[2]!, axis.dilation);
      expectEveryOrder('bsh,h,tsh,h->bth|h', [x1, g1, w, g2], conv, conv1d(x1, kernel, { ...axis, lo, hi }), 50 + i);
    });
  });
});

describe('depthwise separable: bshw,sh,sw->bshw|hw', () => {
  const gh = randomTensor([3, 3], random);
  const gw = randomTensor([3, 2], random);
  SETTINGS.forEach((s, i) => {
    it(s.name, () => {
      // Channel by channel: a one-channel conv2d with the kernel gh[s,:] x gw[s,:].
      const [B, S, H, W] = x.shape as [number, number, number, number];
      const channels = Array.from({ length: S }, (_, c) => {
        const xs = new Float64Array(B * H * W);
        for (let b = 0; b < B; b++) xs.set(x.data.subarray((b * S + c) * H * W, (b * S + c + 1) * H * W), b * H * W);
        const kernel = new Float64Array(3 * 2);
        for (let p = 0; p < 3; p++) for (let q = 0; q < 2; q++) kernel[p * 2 + q] = gh.data[c * 3 + p]! * gw.data[c * 2 + q]!;
        return conv2d({ shape: [B, 1, H, W], data: xs }, { shape: [1, 1, 3, 2], data: kernel }, s.h, s.w);
      });
      const [, , OH, OW] = channels[0]!.shape as [number, number, number, number];
      const y = new Float64Array(B * S * OH * OW);
      channels.forEach((yc, c) => {
        for (let b = 0; b < B; b++) y.set(yc.data.subarray(b * OH * OW, (b + 1) * OH * OW), (b * S + c) * OH * OW);
      });
      expectEveryOrder('bshw,sh,sw->bshw|hw', [x, gh, gw], s.conv, { shape: [B, S, OH, OW], data: y }, 60 + i);
    });
  });
});
