/** The few phrases that hovers and code lenses share, built from engine figures and formatters. */
import { formatBytes, formatCount, formatRatio } from '../engine/summary.js';

const BYTES_PER_F32 = 4;

export function flopsText(flops: number): string {
  return `${formatCount(flops)} FLOPs`;
}

/** "64.0x fewer than left-to-right" (or "more", for a plan made for memory). */
export function versusLeftToRight(macs: number, naiveMacs: number): string {
  if (naiveMacs === macs) return 'same as left-to-right';
  return naiveMacs > macs ? `${formatRatio(naiveMacs, macs)} fewer than left-to-right` : `${formatRatio(macs, naiveMacs)} more than left-to-right`;
}

export function f32Bytes(elements: number): string {
  return formatBytes(elements * BYTES_PER_F32);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}
