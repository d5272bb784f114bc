/** Padding one axis of a tensor, with PyTorch's padding modes. */
import type { PaddingMode } from '../../engine/options.js';
import { formatShape, stridesOf, type Tensor } from './tensor.js';

/**
 * Where position `p` of the padded axis reads from in the original axis of length `n`, or -1
 * for a zero. `p` counts from the start of the padding, so the original starts at `lo`.
 * - circular wraps around: ... n-2 n-1 | 0 1 ... n-1 | 0 1 ...
 * - reflect mirrors without repeating the edge: ... 2 1 | 0 1 ... n-1 | n-2 n-3 ...
 * - replicate repeats the edge element.
 */
export function paddedSource(p: number, n: number, lo: number, mode: PaddingMode): number {
  const i = p - lo;
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'zeros':
      return -1;
    case 'circular':
      return ((i % n) + n) % n;
    case 'reflect':
      return i < 0 ? -i : 2 * (n - 1) - i;
    case 'replicate':
      return i < 0 ? 0 : n - 1;
  }
}

/** Largest padding a mode allows on an axis of length n (PyTorch's limits). */
export function paddingLimit(n: number, mode: PaddingMode): number {
  switch (mode) {
    case 'zeros':
    case 'replicate':
      return Infinity;
    case 'circular':
      return n;
    case 'reflect':
      return n - 1;
  }
}

/** A copy of `t` with `lo` elements before and `hi` after along `axis`, filled by `mode`. */
export function padAxis(t: Tensor, axis: number, lo: number, hi: number, mode: PaddingMode): Tensor {
  const n = t.shape[axis];
  if (n === undefined) throw new Error(`cannot pad axis ${axis} of a tensor of shape ${formatShape(t.shape)}`);
  if (Math.max(lo, hi) > paddingLimit(n, mode)) {
    throw new Error(`${mode} padding of ${Math.max(lo, hi)} is too large for an axis of size ${n}`);
  }
  const padded = n + lo + hi;
  const shape = t.shape.map((size, a) => (a === axis ? padded : size));
  // View the tensor as [outer, n, inner] around the padded axis.
  const inner = stridesOf(t.shape)[axis]!;
  const outer = t.data.length / (n * inner);
  const data = new Float64Array(outer * padded * inner);
  const sources = Array.from({ length: padded }, (_, p) => paddedSource(p, n, lo, mode));
  for (let o = 0; o < outer; o++) {
    for (let p = 0; p < padded; p++) {
      const source = sources[p]!;
      if (source < 0) continue;
      const from = (o * n + source) * inner;
      data.set(t.data.subarray(from, from + inner), (o * padded + p) * inner);
    }
  }
  return { shape, data };
}
