/** The few phrases that hovers and code lenses share, built from engine figures and formatters. */
import { BEYOND_EXACT } from '../engine/exact.js';
import type { Exactness } from '../engine/plan.js';
import { f32Bytes, formatFigure, formatRatio, isExactFigure } from '../engine/summary.js';

/** The figures of a plan or of a sum of plans that these phrases read, with the engine's flags. */
export type HeadlineFigures = Exactness & { readonly macs: number; readonly flops: number; readonly naiveMacs: number; readonly peakElements: number };

/** "1.180G FLOPs", or "≈18.45E FLOPs (beyond exact range)". */
export function flopsText(figures: HeadlineFigures): string {
  const exact = isExactFigure(figures, 'flops');
  return `${formatFigure(figures.flops, exact)} FLOPs${exact ? '' : ` (${BEYOND_EXACT})`}`;
}

/** "64.0x fewer than left-to-right" (or "more", for a plan made for memory). */
export function versusLeftToRight(figures: HeadlineFigures): string {
  const { macs, naiveMacs } = figures;
  const exact = isExactFigure(figures, 'macs') && isExactFigure(figures, 'naiveMacs');
  if (naiveMacs === macs) return exact ? 'same as left-to-right' : '≈ same as left-to-right';
  return naiveMacs > macs ? `${formatRatio(naiveMacs, macs, exact)} fewer than left-to-right` : `${formatRatio(macs, naiveMacs, exact)} more than left-to-right`;
}

/** "peak 8.00 MiB" (f32). */
export function peakText(figures: HeadlineFigures): string {
  return `peak ${f32Bytes(figures.peakElements, isExactFigure(figures, 'peakElements'))}`;
}

export { elementCount, f32Bytes } from '../engine/summary.js';
