/**
 * Hand-written reference loops for the runtime tests: convolutions with PyTorch's
 * cross-correlation semantics, padding read element by element, and the full kernels of
 * CP / Tucker / TT layers. Nothing here uses the code under test.
 */
import { expect } from 'vitest';
import type { ConvOptionsMap } from '../../server/src/engine/options.js';
import type { Tensor } from '../../server/src/runtime/cpu/tensor.js';

export type Mode = 'zeros' | 'circular' | 'reflect' | 'replicate';

/** How one spatial axis is convolved. */
export interface AxisConv {
  readonly stride: number;
  readonly dilation: number;
  readonly lo: number;
  readonly hi: number;
  readonly mode: Mode;
}

/** The value of a padded axis at padded position p, or null for a zero. */
function readPadded(p: number, n: number, lo: number, mode: Mode): number | null {
  let i = p - lo;
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'zeros':
      return null;
    case 'replicate':
      return Math.min(Math.max(i, 0), n - 1);
    case 'circular':
      while (i < 0) i += n;
      while (i >= n) i -= n;
      return i;
    case 'reflect':
      // Mirror at the first and last element, which are not repeated.
      while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
      return i;
  }
}

/** PyTorch's output length: floor((n + lo + hi - dilation*(k-1) - 1) / stride) + 1. */
export function outputLength(n: number, k: number, axis: AxisConv): number {
  return Math.floor((n + axis.lo + axis.hi - axis.dilation * (k - 1) - 1) / axis.stride) + 1;
}

/** lo/hi of a padding form for a filter of k taps, written out from docs/semantics.md section 2. */
export function paddingOf(form: 'valid' | 'same' | 'full' | number | [number, number], k: number, dilation: number): { lo: number; hi: number } {
  const extent = dilation * (k - 1) + 1;
  if (form === 'valid') return { lo: 0, hi: 0 };
  if (form === 'full') return { lo: extent - 1, hi: extent - 1 };
  if (form === 'same') return { lo: Math.floor((extent - 1) / 2), hi: extent - 1 - Math.floor((extent - 1) / 2) };
  if (typeof form === 'number') return { lo: form, hi: form };
  return { lo: form[0], hi: form[1] };
}

/** F.conv1d: X[b,s,n], W[t,s,k] -> Y[b,t,o]. */
export function conv1d(x: Tensor, w: Tensor, axis: AxisConv): Tensor {
  const [B, S, N] = x.shape as [number, number, number];
  const [T, , K] = w.shape as [number, number, number];
  const O = outputLength(N, K, axis);
  const y = new Float64Array(B * T * O);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let o = 0; o < O; o++) {
        let sum = 0;
        for (let s = 0; s < S; s++)
          for (let k = 0; k < K; k++) {
            const i = readPadded(o * axis.stride + axis.dilation * k, N, axis.lo, axis.mode);
            if (i !== null) sum += x.data[(b * S + s) * N + i]! * w.data[(t * S + s) * K + k]!;
          }
        y[(b * T + t) * O + o] = sum;
      }
  return { shape: [B, T, O], data: y };
}

/** F.conv2d: X[b,s,h,w], W[t,s,kh,kw] -> Y[b,t,oh,ow], each spatial axis with its own settings. */
export function conv2d(x: Tensor, w: Tensor, alongH: AxisConv, alongW: AxisConv): Tensor {
  const [B, S, H, W] = x.shape as [number, number, number, number];
  const [T, , KH, KW] = w.shape as [number, number, number, number];
  const OH = outputLength(H, KH, alongH);
  const OW = outputLength(W, KW, alongW);
  const y = new Float64Array(B * T * OH * OW);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let sum = 0;
          for (let s = 0; s < S; s++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const h = readPadded(oh * alongH.stride + alongH.dilation * i, H, alongH.lo, alongH.mode);
                const v = readPadded(ow * alongW.stride + alongW.dilation * j, W, alongW.lo, alongW.mode);
                if (h === null || v === null) continue;
                sum += x.data[((b * S + s) * H + h) * W + v]! * w.data[((t * S + s) * KH + i) * KW + j]!;
              }
          y[((b * T + t) * OH + oh) * OW + ow] = sum;
        }
  return { shape: [B, T, OH, OW], data: y };
}

/** Full (true) convolution of the last axis of a[..., ka] with g[kg]: sizes ka + kg - 1. */
export function fullConvolveLast(a: Tensor, g: Tensor): Tensor {
  const KA = a.shape.at(-1)!;
  const KG = g.shape[0]!;
  const rows = a.data.length / KA;
  const K = KA + KG - 1;
  const out = new Float64Array(rows * K);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < KA; i++)
      for (let j = 0; j < KG; j++) out[r * K + i + j]! += a.data[r * KA + i]! * g.data[j]!;
  return { shape: [...a.shape.slice(0, -1), K], data: out };
}

/** CP kernel: W[t,s,i,j] = sum_r A[r,t] B[r,s] C[r,i] D[r,j]. */
export function cpKernel(a: Tensor, b: Tensor, c: Tensor, d: Tensor): Tensor {
  const [R, T] = a.shape as [number, number];
  const S = b.shape[1]!;
  const KH = c.shape[1]!;
  const KW = d.shape[1]!;
  const w = new Float64Array(T * S * KH * KW);
  for (let t = 0; t < T; t++)
    for (let s = 0; s < S; s++)
      for (let i = 0; i < KH; i++)
        for (let j = 0; j < KW; j++) {
          let sum = 0;
          for (let r = 0; r < R; r++) sum += a.data[r * T + t]! * b.data[r * S + s]! * c.data[r * KH + i]! * d.data[r * KW + j]!;
          w[((t * S + s) * KH + i) * KW + j] = sum;
        }
  return { shape: [T, S, KH, KW], data: w };
}

/** Tucker kernel: W[t,s,i,j] = sum_{r1,r2} U[r1,t] V[r2,s] G[r1,r2,i,j]. */
export function tuckerKernel(u: Tensor, v: Tensor, g: Tensor): Tensor {
  const [R1, T] = u.shape as [number, number];
  const [R2, S] = v.shape as [number, number];
  const [, , KH, KW] = g.shape as [number, number, number, number];
  const w = new Float64Array(T * S * KH * KW);
  for (let t = 0; t < T; t++)
    for (let s = 0; s < S; s++)
      for (let i = 0; i < KH; i++)
        for (let j = 0; j < KW; j++) {
          let sum = 0;
          for (let r1 = 0; r1 < R1; r1++)
            for (let r2 = 0; r2 < R2; r2++) sum += u.data[r1 * T + t]! * v.data[r2 * S + s]! * g.data[((r1 * R2 + r2) * KH + i) * KW + j]!;
          w[((t * S + s) * KH + i) * KW + j] = sum;
        }
  return { shape: [T, S, KH, KW], data: w };
}

/** TT kernel: W[t,s,i,j] = sum_{r1,r2,r3} U[r1,t] H[r1,r2,i] V[r2,r3,j] Z[r3,s]. */
export function ttKernel(u: Tensor, h: Tensor, v: Tensor, z: Tensor): Tensor {
  const [R1, T] = u.shape as [number, number];
  const [, R2, KH] = h.shape as [number, number, number];
  const [, R3, KW] = v.shape as [number, number, number];
  const S = z.shape[1]!;
  const w = new Float64Array(T * S * KH * KW);
  for (let t = 0; t < T; t++)
    for (let s = 0; s < S; s++)
      for (let i = 0; i < KH; i++)
        for (let j = 0; j < KW; j++) {
          let sum = 0;
          for (let r1 = 0; r1 < R1; r1++)
            for (let r2 = 0; r2 < R2; r2++)
              for (let r3 = 0; r3 < R3; r3++) {
                sum += u.data[r1 * T + t]! * h.data[(r1 * R2 + r2) * KH + i]! * v.data[(r2 * R3 + r3) * KW + j]! * z.data[r3 * S + s]!;
              }
          w[((t * S + s) * KH + i) * KW + j] = sum;
        }
  return { shape: [T, S, KH, KW], data: w };
}

/** Same shape, and every element within `relative` of the expected tensor's largest magnitude. */
export function expectClose(actual: Tensor, expected: Tensor, relative = 1e-9): void {
  expect(actual.shape).toEqual(expected.shape);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    scale = Math.max(scale, Math.abs(expected.data[i]!));
    worst = Math.max(worst, Math.abs(actual.data[i]! - expected.data[i]!));
  }
  expect(worst).toBeLessThanOrEqual(relative * scale);
}

/** Conv options and the same settings in the reference's terms, for a filter of kh x kw taps. */
export interface LayerSetting {
  readonly name: string;
  readonly conv: ConvOptionsMap;
  readonly h: AxisConv;
  readonly w: AxisConv;
}

export const LAYER_SETTINGS: readonly LayerSetting[] = [
  {
    name: 'defaults (same, zeros)',
    conv: {},
    h: { stride: 1, dilation: 1, lo: 1, hi: 1, mode: 'zeros' },
    w: { stride: 1, dilation: 1, lo: 0, hi: 1, mode: 'zeros' },
  },
  {
    name: 'h: stride 2, padding 1, reflect; w: dilation 2, full, circular',
    conv: { h: { stride: 2, padding: { kind: 'explicit', lo: 1, hi: 1 }, mode: 'reflect' }, w: { dilation: 2, padding: { kind: 'full' }, mode: 'circular' } },
    h: { stride: 2, dilation: 1, lo: 1, hi: 1, mode: 'reflect' },
    w: { stride: 1, dilation: 2, lo: 2, hi: 2, mode: 'circular' },
  },
  {
    name: 'h: dilation 2, same, replicate; w: stride 2, valid',
    conv: { h: { dilation: 2, mode: 'replicate' }, w: { stride: 2, padding: { kind: 'valid' } } },
    h: { stride: 1, dilation: 2, lo: 2, hi: 2, mode: 'replicate' },
    w: { stride: 2, dilation: 1, lo: 0, hi: 0, mode: 'zeros' },
  },
];
