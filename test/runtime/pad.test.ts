import { describe, expect, it } from 'vitest';
import type { PaddingMode } from '../../server/src/engine/options.js';
import { padAxis } from '../../server/src/runtime/cpu/pad.js';
import { tensor } from '../../server/src/runtime/cpu/tensor.js';

const x = tensor([4], [1, 2, 3, 4]);
const padded = (lo: number, hi: number, mode: PaddingMode) => Array.from(padAxis(x, 0, lo, hi, mode).data);

describe('padAxis matches torch.nn.functional.pad on [1, 2, 3, 4]', () => {
  const cases: [PaddingMode, number, number, number[]][] = [
    ['zeros', 2, 2, [0, 0, 1, 2, 3, 4, 0, 0]],
    ['reflect', 2, 2, [3, 2, 1, 2, 3, 4, 3, 2]],
    ['replicate', 2, 2, [1, 1, 1, 2, 3, 4, 4, 4]],
    ['circular', 2, 2, [3, 4, 1, 2, 3, 4, 1, 2]],
    ['zeros', 0, 1, [1, 2, 3, 4, 0]],
    ['reflect', 3, 1, [4, 3, 2, 1, 2, 3, 4, 3]],
    ['reflect', 3, 3, [4, 3, 2, 1, 2, 3, 4, 3, 2, 1]],
    ['replicate', 0, 3, [1, 2, 3, 4, 4, 4, 4]],
    ['circular', 3, 1, [2, 3, 4, 1, 2, 3, 4, 1]],
    ['circular', 4, 4, [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]],
    ['reflect', 0, 0, [1, 2, 3, 4]],
  ];
  for (const [mode, lo, hi, expected] of cases) {
    it(`${mode} ${lo}:${hi}`, () => expect(padded(lo, hi, mode)).toEqual(expected));
  }
});

describe('padAxis on one axis of a larger tensor', () => {
  // t[i][j][k] = 100 i + 10 j + k, shape 2x3x2.
  const values = [0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121];
  const t = tensor([2, 3, 2], values);

  it('pads the middle axis and leaves the others alone', () => {
    const p = padAxis(t, 1, 1, 2, 'reflect');
    expect(p.shape).toEqual([2, 6, 2]);
    // Along j: reflect of [0, 1, 2] with 1 before and 2 after is [1, 0, 1, 2, 1, 0].
    const expected = [0, 1].flatMap((i) => [1, 0, 1, 2, 1, 0].flatMap((j) => [0, 1].map((k) => 100 * i + 10 * j + k)));
    expect(Array.from(p.data)).toEqual(expected);
  });

  it('pads the last axis', () => {
    const p = padAxis(t, 2, 1, 1, 'circular');
    expect(p.shape).toEqual([2, 3, 4]);
    expect(Array.from(p.data.subarray(0, 8))).toEqual([1, 0, 1, 0, 11, 10, 11, 10]);
  });

  it('pads the first axis with zeros', () => {
    const p = padAxis(t, 0, 1, 0, 'zeros');
    expect(Array.from(p.data)).toEqual([...new Array(6).fill(0), ...values]);
  });
});

describe('padAxis refuses what PyTorch refuses', () => {
  it('reflect needs padding below the size', () => {
    expect(() => padAxis(x, 0, 4, 0, 'reflect')).toThrow(/reflect padding of 4 is too large for an axis of size 4/);
  });
  it('circular needs padding at most the size', () => {
    expect(() => padAxis(x, 0, 0, 5, 'circular')).toThrow(/circular padding of 5/);
  });
  it('zeros and replicate have no limit', () => {
    expect(padded(0, 6, 'replicate')).toEqual([1, 2, 3, 4, 4, 4, 4, 4, 4, 4]);
    expect(padded(5, 0, 'zeros')).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 4]);
  });
});
