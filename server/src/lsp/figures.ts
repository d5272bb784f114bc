/** The few phrases that hovers and code lenses share, built from engine figures and formatters. */
import { formatCount, formatRatio } from '../engine/summary.js';

export function flopsText(flops: number): string {
  return `${formatCount(flops)} FLOPs`;
}

/** "64.0x fewer than left-to-right" (or "more", for a plan made for memory). */
export function versusLeftToRight(macs: number, naiveMacs: number): string {
  if (naiveMacs === macs) return 'same as left-to-right';
  return naiveMacs > macs ? `${formatRatio(naiveMacs, macs)} fewer than left-to-right` : `${formatRatio(macs, naiveMacs)} more than left-to-right`;
}

export { elementCount, f32Bytes } from '../engine/summary.js';
