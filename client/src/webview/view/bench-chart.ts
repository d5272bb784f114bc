/**
 * Benchmark charts: median time of the optimal, left-to-right and rebuilt-kernel orders (with a
 * min-max whisker), and the median time of each step of the optimal plan. Horizontal bars, one
 * row each, drawn to the same scale within a chart.
 */
import type { BenchReport } from '../../protocol.js';
import { backendText, orderNames } from '../../reports.js';
import { el, fit, svg } from './dom.js';

const LABEL_WIDTH = 230;
const BAR_SPACE = 360;
const VALUE_WIDTH = 120;
const ROW = 26;
const BAR = 16;
/** A narrow panel shrinks a chart down to this fraction of its natural size; below that it scrolls. */
const MIN_SCALE = 0.6;

interface Row {
  readonly label: string;
  readonly className: string;
  readonly ms: number;
  readonly range?: readonly [number, number];
}

const ORDER_LABELS = { optimal: 'optimal order', 'left-to-right': 'left-to-right', 'rebuilt-kernel': 'rebuilt kernel' } as const;
/** Shorter names for a bar that stands for several orders that are the same plan. */
const SAME_PLAN_LABELS = { optimal: 'optimal', 'left-to-right': 'left-to-right', 'rebuilt-kernel': 'rebuilt' } as const;

export function benchCharts(report: BenchReport): HTMLElement {
  const orders = report.orders.map((o): Row => ({ label: o.sameOrders ? orderNames(o, SAME_PLAN_LABELS) : ORDER_LABELS[o.order], className: o.order, ms: o.medianMs, range: [o.minMs, o.maxMs] }));
  const steps = report.steps.map((s, i): Row => ({ label: `${i + 1}. ${s.spec}`, className: 'step', ms: s.medianMs }));
  return el(
    'section',
    { class: 'benchmark' },
    el('h2', {}, 'Benchmark'),
    el('p', { class: 'muted' }, `${backendText(report)} · median of ${report.repeats} runs, whiskers from min to max`),
    barChart(orders, 'median time of each evaluation order'),
    ...(steps.length > 0 ? [el('h3', {}, 'Steps of the optimal plan'), barChart(steps, 'median time of each step')] : []),
    ...(report.notice ? [el('p', { class: 'notice' }, report.notice)] : []),
  );
}

function barChart(rows: readonly Row[], description: string): HTMLElement {
  const largest = Math.max(...rows.map((r) => r.range?.[1] ?? r.ms), Number.MIN_VALUE);
  const scale = (ms: number) => (ms / largest) * BAR_SPACE;
  const width = LABEL_WIDTH + BAR_SPACE + VALUE_WIDTH;
  const chart = svg('svg', { class: 'chart', width, height: rows.length * ROW + 4, viewBox: `0 0 ${width} ${rows.length * ROW + 4}`, role: 'img', 'aria-label': description });
  // CSSOM, not a style attribute: the page's policy allows no inline styles.
  chart.style.minWidth = `${Math.round(width * MIN_SCALE)}px`;
  rows.forEach((row, i) => {
    const y = i * ROW + 4;
    const middle = y + BAR / 2;
    chart.append(
      svg('text', { class: 'label', x: LABEL_WIDTH - 8, y: middle + 4, 'text-anchor': 'end' }, fit(row.label, 34)),
      svg('rect', { class: `bar ${row.className}`, x: LABEL_WIDTH, y, width: Math.max(1, scale(row.ms)), height: BAR, rx: 2 }),
    );
    if (row.range) {
      const [low, high] = row.range.map((ms) => LABEL_WIDTH + scale(ms));
      chart.append(svg('path', { class: 'whisker', d: `M${low},${middle} H${high} M${low},${y + 3} V${y + BAR - 3} M${high},${y + 3} V${y + BAR - 3}` }));
    }
    const end = LABEL_WIDTH + Math.max(scale(row.ms), row.range ? scale(row.range[1]) : 0);
    chart.append(svg('text', { class: 'value', x: end + 6, y: middle + 4 }, `${row.ms.toFixed(row.ms < 10 ? 3 : 1)} ms`));
  });
  return el('div', { class: 'chart-scroll' }, chart);
}
