/**
 * Standard convolutions, `bsh,tsh->bth|h` and `bshw,tshw->bthw|hw`, against hand-written
 * PyTorch-style loops: every padding form and mode, with stride and dilation, evaluated
 * directly and through plans with the feature on either side of the step.
 */
import { describe, it } from 'vitest';
import type { ConvOptions, Padding } from '../../server/src/engine/options.js';
import type { Tensor } from '../../server/src/runtime/cpu/tensor.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { direct, pair, planned, withTree } from './evaluate.js';
import { conv1d, conv2d, expectClose, paddingOf, type AxisConv, type Mode } from './reference.js';

type Form = 'valid' | 'same' | 'full' | number | [number, number];

interface AxisCase {
  readonly form: Form;
  readonly mode: Mode;
  readonly stride: number;
  readonly dilation: number;
}

const FORMS: Form[] = [1, [2, 0], 'valid', 'same', 'full'];
const MODES: Mode[] = ['zeros', 'circular', 'reflect', 'replicate'];
const STRIDE_DILATION: [number, number][] = [[1, 1], [2, 1], [1, 2], [3, 2]];

/** Every form x mode x (stride, dilation); "same" only with stride 1, as in PyTorch. */
const CASES: AxisCase[] = FORMS.flatMap((form) =>
  MODES.flatMap((mode) => STRIDE_DILATION.map(([stride, dilation]) => ({ form, mode, stride: form === 'same' ? 1 : stride, dilation }))),
);

function paddingOption(form: Form): Padding {
  if (typeof form === 'number') return { kind: 'explicit', lo: form, hi: form };
  if (Array.isArray(form)) return { kind: 'explicit', lo: form[0], hi: form[1] };
  return { kind: form };
}

const option = (c: AxisCase): ConvOptions => ({ stride: c.stride, dilation: c.dilation, padding: paddingOption(c.form), mode: c.mode });
const reference = (c: AxisCase, k: number): AxisConv => ({ stride: c.stride, dilation: c.dilation, mode: c.mode, ...paddingOf(c.form, k, c.dilation) });
const describeCase = (c: AxisCase) => `padding ${JSON.stringify(c.form)} ${c.mode} stride ${c.stride} dilation ${c.dilation}`;

/** Direct evaluation and both orders of the one step give the expected tensor. */
function expectEveryWay(text: string, inputs: readonly Tensor[], conv: Record<string, ConvOptions>, expected: Tensor): void {
  expectClose(direct(text, inputs, conv), expected);
  expectClose(planned(text, inputs, conv), expected);
  expectClose(withTree(text, inputs, pair(0, 1), conv), expected);
  expectClose(withTree(text, inputs, pair(1, 0), conv), expected);
}

describe('conv1d: bsh,tsh->bth|h equals F.conv1d', () => {
  const random = seeded(101);
  const x = randomTensor([2, 3, 8], random);
  const w = randomTensor([4, 3, 3], random);
  for (const c of CASES) {
    it(describeCase(c), () => expectEveryWay('bsh,tsh->bth|h', [x, w], { h: option(c) }, conv1d(x, w, reference(c, 3))));
  }

  it('defaults: same padding, zeros, stride 1, dilation 1', () => {
    const expected = conv1d(x, w, { stride: 1, dilation: 1, lo: 1, hi: 1, mode: 'zeros' });
    expectEveryWay('bsh,tsh->bth|h', [x, w], {}, expected);
  });

  it('an even filter under "same" puts the odd padding after', () => {
    const w4 = randomTensor([4, 3, 4], random);
    const expected = conv1d(x, w4, { stride: 1, dilation: 1, lo: 1, hi: 2, mode: 'reflect' });
    expectEveryWay('bsh,tsh->bth|h', [x, w4], { h: { mode: 'reflect' } }, expected);
  });
});

describe('conv2d: bshw,tshw->bthw|hw equals F.conv2d, each axis with its own settings', () => {
  const random = seeded(202);
  const x = randomTensor([2, 3, 7, 6], random);
  const w = randomTensor([4, 3, 3, 2], random);
  CASES.forEach((alongH, i) => {
    // Pair every case along h with a different one along w, so that both axes see every case.
    const alongW = CASES[(i * 7 + 3) % CASES.length]!;
    it(`h: ${describeCase(alongH)}; w: ${describeCase(alongW)}`, () => {
      const expected = conv2d(x, w, reference(alongH, 3), reference(alongW, 2));
      expectEveryWay('bshw,tshw->bthw|hw', [x, w], { h: option(alongH), w: option(alongW) }, expected);
    });
  });

  it('the filter written first: tshw,bshw->bthw|hw', () => {
    const conv = { h: { stride: 2, padding: { kind: 'full' as const }, mode: 'circular' as const }, w: { dilation: 2, mode: 'replicate' as const } };
    const expected = conv2d(x, w, { stride: 2, dilation: 1, lo: 2, hi: 2, mode: 'circular' }, { stride: 1, dilation: 2, lo: 1, hi: 1, mode: 'replicate' });
    expectEveryWay('tshw,bshw->bthw|hw', [w, x], conv, expected);
  });

  it('conv indices absent from the output sum the output positions: bshw,tshw->bt|hw', () => {
    const y = conv2d(x, w, { stride: 1, dilation: 1, lo: 1, hi: 1, mode: 'reflect' }, { stride: 2, dilation: 1, lo: 0, hi: 0, mode: 'zeros' });
    const [B, T, OH, OW] = y.shape as [number, number, number, number];
    const summed = new Float64Array(B * T);
    y.data.forEach((value, i) => (summed[Math.floor(i / (OH * OW))]! += value));
    const conv = { h: { padding: { kind: 'explicit' as const, lo: 1, hi: 1 }, mode: 'reflect' as const }, w: { stride: 2, padding: { kind: 'valid' as const } } };
    expectEveryWay('bshw,tshw->bt|hw', [x, w], conv, { shape: [B, T], data: summed });
  });

  it('the output in another order: bshw,tshw->wthb|hw', () => {
    const y = conv2d(x, w, { stride: 1, dilation: 1, lo: 1, hi: 1, mode: 'zeros' }, { stride: 1, dilation: 1, lo: 0, hi: 1, mode: 'zeros' });
    const [B, T, OH, OW] = y.shape as [number, number, number, number];
    const permuted = new Float64Array(y.data.length);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let h = 0; h < OH; h++)
          for (let v = 0; v < OW; v++) permuted[((v * T + t) * OH + h) * B + b] = y.data[((b * T + t) * OH + h) * OW + v]!;
    expectEveryWay('bshw,tshw->wthb|hw', [x, w], {}, { shape: [OW, T, OH, B], data: permuted });
  });
});
