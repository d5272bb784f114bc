/**
 * The plan as plain text, in the spirit of opt_einsum's PathInfo: one printable summary that
 * the CLI prints, hovers show and users paste into bug reports.
 */
import { BEYOND_EXACT } from './exact.js';
import type { Exactness, FigureName, Optimality, Plan } from './plan.js';

const UNITS = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** 1234 -> "1,234"; 140509184 -> "140.5M"; beyond 1e21 in exponent form. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) < 10_000) return Math.round(value).toLocaleString('en-US');
  const exponent = Math.min(Math.floor(Math.log10(Math.abs(value)) / 3), UNITS.length - 1);
  if (Math.abs(value) >= 1e21) return value.toExponential(3);
  const scaled = value / 10 ** (3 * exponent);
  return `${scaled.toFixed(scaled >= 100 ? 1 : scaled >= 10 ? 2 : 3)}${UNITS[exponent]}`;
}

/** Bytes in binary units: 4194304 -> "4.00 MiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(2)} ${units[unit]}`;
}

/** How many times more the baseline costs than the plan, e.g. "64.0x"; "≈64.0x" from figures beyond exact range. */
export function formatRatio(baseline: number, plan: number, exact = true): string {
  if (plan === 0) return baseline === 0 ? '1.0x' : 'inf';
  const ratio = baseline / plan;
  return `${exact ? '' : APPROXIMATE}${ratio >= 100 ? ratio.toFixed(0) : ratio.toFixed(ratio >= 10 ? 1 : 2)}x`;
}

/** The mark before a figure that the engine flagged beyond exact range. */
export const APPROXIMATE = '≈';

/** What the mark means, said once below figures that carry it. */
export const APPROXIMATE_NOTE = `${APPROXIMATE} marks figures ${BEYOND_EXACT} (2^53 or more), which are rounded`;

/** A figure as formatCount writes it, marked "≈" when the engine flagged it beyond exact range. */
export function formatFigure(value: number, exact: boolean): string {
  return exact ? formatCount(value) : `${APPROXIMATE}${formatCount(value)}`;
}

/** Whether a plan's (or a sum of plans') figure is exact, as the engine flagged it. */
export function isExactFigure(figures: Exactness, name: FigureName): boolean {
  return !figures.inexactFigures.includes(name);
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? '()' : shape.join('x');
}

const BYTES_PER_F32 = 4;

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** The size of `elements` f32 values, e.g. "4.00 MiB"; "≈" when the count is beyond exact range. */
export function f32Bytes(elements: number, exact = true): string {
  return `${exact ? '' : APPROXIMATE}${formatBytes(elements * BYTES_PER_F32)}`;
}

/** A count of f32 elements as every display shows it: "1.049M elements (4.00 MiB f32)", "≈" beyond exact range. */
export function formatElements(elements: number, exact = true): string {
  return `${formatFigure(elements, exact)} elements (${f32Bytes(elements, exact)} f32)`;
}

/** The largest intermediate as every display shows it; for a plan of one step (null), that there is none. */
export function formatLargestIntermediate(elements: number | null, exact = true, none = 'none: one step'): string {
  return elements === null ? none : formatElements(elements, exact);
}

/** The design numbers a plan or a sum of plans reports (docs/semantics.md section 3), with the engine's flags. */
export type DesignFigures = Exactness & {
  readonly params: number;
  readonly constElements: number;
  readonly denseParams: number | null;
  readonly compression: number | null;
  /** A layer's data operands; absent for a sum of layers, whose dense kernels are several. */
  readonly dataOperands?: readonly number[];
};

/** A fraction as a percentage: 2 significant digits below 10 % ("0.46 %", "3.4 %"), whole above ("25 %", "100 %"). */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  if (!Number.isFinite(percent)) return `${percent} %`;
  return `${percent < 10 ? Number(percent.toPrecision(2)).toString() : Math.round(percent).toString()} %`;
}

/** Whether params / denseParams is exact: both counts are. */
function compressionExact(figures: DesignFigures): boolean {
  return isExactFigure(figures, 'params') && isExactFigure(figures, 'denseParams');
}

/**
 * The parameters against the dense kernel, as every display shows them:
 * "12.3k = 3.4 % of the dense kernel's 368.6k", ", const 108" after it when some factor is `const`.
 */
export function formatParams(figures: DesignFigures): string {
  const params = formatFigure(figures.params, isExactFigure(figures, 'params'));
  const constant = figures.constElements > 0 ? `, const ${formatFigure(figures.constElements, isExactFigure(figures, 'constElements'))}` : '';
  if (figures.denseParams === null || figures.compression === null) return `${params} (no dense kernel: ${noDenseKernel(figures)})${constant}`;
  const share = `${compressionExact(figures) ? '' : APPROXIMATE}${formatPercent(figures.compression)}`;
  const kernel = figures.dataOperands === undefined ? "dense kernels'" : "dense kernel's";
  return `${params} = ${share} of the ${kernel} ${formatFigure(figures.denseParams, isExactFigure(figures, 'denseParams'))}${constant}`;
}

function noDenseKernel(figures: DesignFigures): string {
  if (figures.dataOperands === undefined) return 'a layer with factors has none';
  return figures.dataOperands.length === 0 ? 'no data operand' : 'no factor';
}

/** The parameters' share of the dense kernel, as lenses show it: "3.4 % params"; null without a dense kernel. */
export function formatCompression(figures: DesignFigures): string | null {
  if (figures.compression === null) return null;
  return `${compressionExact(figures) ? '' : APPROXIMATE}${formatPercent(figures.compression)} params`;
}

/** A plan's guarantee in words (docs/semantics.md section 4): "optimal", "optimal among trees without outer products", or heuristic. */
export function formatGuarantee(optimality: Optimality | null): string {
  if (optimality === 'all trees') return 'optimal';
  if (optimality === 'trees without outer products') return 'optimal among trees without outer products';
  return 'heuristic, not proven optimal';
}

export function planSummary(plan: Plan): string {
  const lines: string[] = [];
  const label = (name: string, value: string) => lines.push(`  ${name.padEnd(22)}${value}`);
  label('Expression:', plan.expression);
  label('Shapes:', plan.shapes.map(formatShape).join(', '));
  label('Output shape:', formatShape(plan.outputShape));
  label('Objective:', `${plan.objective} (${formatGuarantee(plan.optimality)})`);
  const exact = (name: FigureName) => isExactFigure(plan, name);
  const figure = (value: number, name: FigureName) => formatFigure(value, exact(name));
  const versus = (baseline: number, name: FigureName) => formatRatio(baseline, plan.macs, exact(name) && exact('macs'));
  label('Optimal MACs:', `${figure(plan.macs, 'macs')}  (${figure(plan.flops, 'flops')} FLOPs)`);
  label('Left-to-right MACs:', `${figure(plan.naiveMacs, 'naiveMacs')}  (${versus(plan.naiveMacs, 'naiveMacs')} more)`);
  if (plan.rebuiltMacs !== null) {
    label('Rebuilt-kernel MACs:', `${figure(plan.rebuiltMacs, 'rebuiltMacs')}  (${versus(plan.rebuiltMacs, 'rebuiltMacs')} more)`);
  }
  label('Parameters:', formatParams(plan));
  if (plan.denseMacs !== null) label('Dense kernel MACs:', figure(plan.denseMacs, 'denseMacs'));
  label('Largest intermediate:', formatLargestIntermediate(plan.largestIntermediate, exact('largestIntermediate')));
  label('Peak live elements:', `${figure(plan.peakElements, 'peakElements')} (${f32Bytes(plan.peakElements, exact('peakElements'))} f32)`);
  label('Planned in:', `${plan.planMs.toFixed(1)} ms`);
  if (!plan.exact) label('Note:', APPROXIMATE_NOTE);

  const rows = plan.steps.map((step, i) => [
    String(i + 1),
    `(${plan.path[i]!.join(',')})`,
    step.spec,
    step.kind,
    formatFigure(step.macs, step.exact),
    formatShape(step.outputShape),
  ]);
  const header = ['step', 'path', 'spec', 'kind', 'MACs', 'output shape'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const row = (cells: readonly string[]) => `  ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}`.trimEnd();
  lines.push('-'.repeat(Math.max(60, row(header).length)));
  lines.push(row(header));
  lines.push(...rows.map(row));
  return lines.join('\n');
}
