/** Run and benchmark answers as the lines a user reads: in a notification and the output channel. */
import { formatCount, formatShape } from '../../server/src/engine/summary.js';
import type { BenchReport, ErrorCheck, OrderName, OrderTiming, RunReport } from './protocol.js';

const ORDER_NAMES = { optimal: 'optimal', 'left-to-right': 'left-to-right', 'rebuilt-kernel': 'rebuilt kernel' } as const;

/** The orders a timing stands for, e.g. "optimal = left-to-right" when they are the same plan. */
export function orderNames(timing: OrderTiming, names: Readonly<Record<OrderName, string>> = ORDER_NAMES, leaveOut: readonly OrderName[] = []): string {
  return [timing.order, ...(timing.sameOrders ?? [])]
    .filter((o) => !leaveOut.includes(o))
    .map((o) => names[o])
    .join(' = ');
}

export function backendText(report: { backend: string; adapter?: string }): string {
  const backend = backendName(report.backend);
  return report.adapter ? `${backend} (${report.adapter})` : backend;
}

function backendName(backend: string): string {
  return backend === 'webgpu' ? 'WebGPU' : backend === 'cpu' ? 'CPU' : backend;
}

export function checkText(check: ErrorCheck | null): string {
  if (!check) return 'not checked against the reference';
  const verdict = check.ok === undefined ? '' : check.ok ? ', within tolerance' : ', OVER tolerance';
  return `max abs error ${check.maxAbsError.toExponential(2)} (relative ${check.relativeError.toExponential(2)}${verdict}) vs the float64 reference`;
}

/** "cp ran on WebGPU (llvmpipe) in 12.3 ms: output 2x8x8x8, max abs error 1.2e-7 (...) vs the float64 reference" */
export function runSummary(report: RunReport): string {
  return `${report.layer} ran on ${backendText(report)} in ${report.runMs.toFixed(1)} ms: output ${formatShape(report.outputShape)}, ${checkText(report.check)}`;
}

/**
 * The Run notification: the figures first and short enough that a notification shows them whole
 * ("cp ran in 12.3 ms, max abs error 1.19e-7 (WebGPU)"); the full summary goes to the output channel.
 */
export function runNotification(report: RunReport): string {
  const time = `${report.layer} ran in ${report.runMs.toFixed(1)} ms`;
  const check = report.check;
  const error = check ? `, max abs error ${check.maxAbsError.toExponential(2)}${check.ok === false ? ' OVER tolerance' : ''}` : ', not checked';
  return `${time}${error} (${backendName(report.backend)})`;
}

/**
 * The benchmark notification: the medians of the optimal and left-to-right orders, short enough
 * for a notification ("cp median: optimal 2.00 ms, left-to-right 9.00 ms"); the chart in the plan
 * view and the table in the output channel have every order, the backend and the steps.
 */
export function benchNotification(report: BenchReport): string {
  const shown = report.orders.filter((o) => orderNames(o, ORDER_NAMES, ['rebuilt-kernel']) !== '');
  const timings = shown.map((o) => `${orderNames(o, ORDER_NAMES, ['rebuilt-kernel'])} ${o.medianMs.toFixed(2)} ms`);
  return `${report.layer} median: ${timings.join(', ')}`;
}

export function benchSummary(report: BenchReport): string {
  const timings = report.orders.map((o) => `${orderNames(o)} ${o.medianMs.toFixed(2)} ms`);
  return `${report.layer} on ${backendText(report)}, median of ${report.repeats}: ${timings.join(', ')}`;
}

/** The benchmark as a table for the output channel. */
export function benchTable(report: BenchReport): string[] {
  const lines = [benchSummary(report), '  order            median ms     min ms     max ms        MACs   GFLOP/s'];
  for (const o of report.orders) {
    const gflops = o.gflops === undefined ? '' : o.gflops.toFixed(2);
    lines.push(
      `  ${orderNames(o).padEnd(14)} ${o.medianMs.toFixed(3).padStart(11)} ${o.minMs.toFixed(3).padStart(10)} ${o.maxMs.toFixed(3).padStart(10)} ${formatCount(o.macs).padStart(11)} ${gflops.padStart(9)}`,
    );
  }
  if (report.notice) lines.push(`  ${report.notice}`);
  report.steps.forEach((step, i) => lines.push(`  step ${i + 1}: ${step.spec}  ${step.medianMs.toFixed(3)} ms`));
  return lines;
}
