/**
 * The plan as plain text, in the spirit of opt_einsum's PathInfo: one printable summary that
 * the CLI prints, hovers show and users paste into bug reports.
 */
import type { Plan } from './plan.js';

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

/** How many times more the baseline costs than the plan, e.g. "64.0x". */
export function formatRatio(baseline: number, plan: number): string {
  if (plan === 0) return baseline === 0 ? '1.0x' : 'inf';
  const ratio = baseline / plan;
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio.toFixed(ratio >= 10 ? 1 : 2)}x`;
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? '()' : shape.join('x');
}

const BYTES_PER_F32 = 4;

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** The size of `elements` f32 values, e.g. "4.00 MiB". */
export function f32Bytes(elements: number): string {
  return formatBytes(elements * BYTES_PER_F32);
}

/**
 * The largest intermediate as every display shows it: "1.049M elements (4.00 MiB f32)", or,
 * for a plan of one step (null), that there is none.
 */
export function formatLargestIntermediate(elements: number | null, none = 'none: one step'): string {
  return elements === null ? none : `${formatCount(elements)} elements (${f32Bytes(elements)} f32)`;
}

export function planSummary(plan: Plan): string {
  const lines: string[] = [];
  const label = (name: string, value: string) => lines.push(`  ${name.padEnd(22)}${value}`);
  label('Expression:', plan.expression);
  label('Shapes:', plan.shapes.map(formatShape).join(', '));
  label('Output shape:', formatShape(plan.outputShape));
  label('Objective:', `${plan.objective} (${plan.optimal ? 'optimal' : 'heuristic, not proven optimal'})`);
  label('Optimal MACs:', `${formatCount(plan.macs)}  (${formatCount(plan.flops)} FLOPs)`);
  label('Left-to-right MACs:', `${formatCount(plan.naiveMacs)}  (${formatRatio(plan.naiveMacs, plan.macs)} more)`);
  if (plan.rebuiltMacs !== null) {
    label('Rebuilt-kernel MACs:', `${formatCount(plan.rebuiltMacs)}  (${formatRatio(plan.rebuiltMacs, plan.macs)} more)`);
  }
  label('Largest intermediate:', formatLargestIntermediate(plan.largestIntermediate));
  label('Peak live elements:', `${formatCount(plan.peakElements)} (${f32Bytes(plan.peakElements)} f32)`);
  label('Planned in:', `${plan.planMs.toFixed(1)} ms`);

  const rows = plan.steps.map((step, i) => [
    String(i + 1),
    `(${plan.path[i]!.join(',')})`,
    step.spec,
    step.kind,
    formatCount(step.macs),
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
