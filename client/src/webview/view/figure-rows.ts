/**
 * The rows of the plan view's figures table, as text: every figure comes from the engine and is
 * written by the engine's formatters, the same ones that hovers, lenses and the CLI use.
 */
import type { Exactness, FigureName, Optimality } from '../../../../server/src/engine/plan.js';
import { formatElements, formatFigure, formatGuarantee, formatLargestIntermediate, formatParams, formatRatio, isExactFigure } from '../../../../server/src/engine/summary.js';
import type { Plan, PlanTotals } from '../../protocol.js';

export type Figures = Pick<
  Plan & PlanTotals,
  'macs' | 'flops' | 'naiveMacs' | 'rebuiltMacs' | 'largestIntermediate' | 'peakElements' | 'params' | 'constElements' | 'denseParams' | 'compression' | 'denseMacs' | 'exact' | 'inexactFigures'
> & { readonly dataOperands?: readonly number[] };

export type FigureRow = readonly [name: string, value: string];

/** A figure with the engine's flag: "≈" before it when it is beyond exact range. */
export function figure(f: Exactness, value: number, name: FigureName): string {
  return formatFigure(value, isExactFigure(f, name));
}

/** `noIntermediate`: what the largest intermediate reads when there is none (see formatLargestIntermediate). */
export function figureRows(f: Figures, optimality: Optimality | null, noIntermediate?: string): FigureRow[] {
  const versus = (baseline: number, name: FigureName) => formatRatio(baseline, f.macs, isExactFigure(f, name) && isExactFigure(f, 'macs'));
  const rows: FigureRow[] = [
    ['FLOPs', `${figure(f, f.flops, 'flops')} (${figure(f, f.macs, 'macs')} MACs), ${optimality ? `proven ${formatGuarantee(optimality)}` : formatGuarantee(null)}`],
    ['Left-to-right', `${figure(f, f.naiveMacs, 'naiveMacs')} MACs, ${versus(f.naiveMacs, 'naiveMacs')} the optimal`],
  ];
  if (f.rebuiltMacs !== null) rows.push(['Rebuilt kernel', `${figure(f, f.rebuiltMacs, 'rebuiltMacs')} MACs, ${versus(f.rebuiltMacs, 'rebuiltMacs')} the optimal`]);
  rows.push(['Parameters', formatParams(f)]);
  if (f.denseMacs !== null) rows.push(['Dense kernel', `${figure(f, f.denseMacs, 'denseMacs')} MACs`]);
  rows.push(
    ['Largest intermediate', formatLargestIntermediate(f.largestIntermediate, isExactFigure(f, 'largestIntermediate'), noIntermediate)],
    ['Peak live', formatElements(f.peakElements, isExactFigure(f, 'peakElements'))],
  );
  return rows;
}
