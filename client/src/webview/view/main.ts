/**
 * The "cein Plan" page: renders what the extension posts (a plan, a run, a benchmark) and sends
 * back the user's clicks. Every figure comes from the message; nothing is computed here.
 */
import { APPROXIMATE_NOTE, formatCompression, formatRatio, formatShape, isExactFigure } from '../../../../server/src/engine/summary.js';
import { f32Bytes } from '../../../../server/src/lsp/figures.js';
import type { Optimality } from '../../../../server/src/engine/plan.js';
import { isNetworkPlan, type LayerPlanResult, type NetworkPlanResult, type RunReport } from '../../protocol.js';
import { backendText, checkText } from '../../reports.js';
import type { FromView, ToView } from '../messages.js';
import { benchCharts } from './bench-chart.js';
import { el } from './dom.js';
import { figure, figureRows, type FigureRow, type Figures } from './figure-rows.js';
import { layoutPlanTree } from './tree-layout.js';
import { treeSvg } from './tree-svg.js';

declare function acquireVsCodeApi(): { postMessage(message: FromView): void; setState(state: unknown): void };

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

window.addEventListener('message', (event: MessageEvent<ToView>) => show(event.data));
vscode.postMessage({ type: 'ready' });

function show(message: ToView): void {
  switch (message.type) {
    case 'target':
      vscode.setState({ target: message.target });
      break;
    case 'loading':
      app.replaceChildren(el('h1', {}, message.title), el('p', { class: 'muted' }, 'Planning…'));
      break;
    case 'error':
      app.replaceChildren(el('h1', {}, message.title), el('p', { class: 'error' }, message.message));
      break;
    case 'plan':
      app.replaceChildren(
        ...(isNetworkPlan(message.result) ? networkPage(message.result) : layerPage(message.result, message.runnable)),
        el('div', { id: 'run' }),
        el('div', { id: 'benchmark' }),
      );
      break;
    case 'run':
      document.getElementById('run')?.replaceChildren(runLine(message.report));
      break;
    case 'benchmark':
      document.getElementById('benchmark')?.replaceChildren(benchCharts(message.report));
      break;
  }
}

function layerPage(result: LayerPlanResult, runnable: boolean): Node[] {
  const { plan } = result;
  const names = result.operands.map((o) => o.name);
  return [
    el('h1', {}, `layer ${result.layer}`),
    el('p', { class: 'expression' }, el('code', {}, plan.expression)),
    figures(plan, plan.optimality, [
      ['Operands', result.operands.map((o, i) => `${o.name} ${formatShape(plan.shapes[i] ?? [])}`).join(', ')],
      ['Output shape', formatShape(plan.outputShape)],
      ['Objective', `${plan.objective}, planned in ${plan.planMs.toFixed(1)} ms`],
    ]),
    ...approximateNote(plan.exact),
    actions(runnable),
    el('h2', {}, 'Contraction tree'),
    el('div', { class: 'tree-scroll' }, treeSvg(layoutPlanTree(plan, names))),
  ];
}

function networkPage(result: NetworkPlanResult): Node[] {
  const rows = result.layers.map(({ layer, plan }) =>
    el(
      'tr',
      {},
      el('td', {}, layer),
      el('td', { class: 'number' }, figure(plan, plan.flops, 'flops')),
      el('td', { class: 'number' }, formatRatio(plan.naiveMacs, plan.macs, isExactFigure(plan, 'naiveMacs') && isExactFigure(plan, 'macs'))),
      el('td', { class: 'number' }, formatCompression(plan) ?? '-'),
      el('td', { class: 'number' }, f32Bytes(plan.peakElements, isExactFigure(plan, 'peakElements'))),
      el('td', {}, el('code', {}, plan.expression)),
    ),
  );
  const trees = result.layers.map(({ layer, plan }) =>
    el('details', {}, el('summary', {}, `layer ${layer}: ${figure(plan, plan.flops, 'flops')} FLOPs`), el('div', { class: 'tree-scroll' }, treeSvg(layoutPlanTree(plan)))),
  );
  return [
    el('h1', {}, `network ${result.network}`),
    figures(result.totals, result.totals.optimality, [['Layers', String(result.totals.layers)]], 'none: every layer is one step'),
    actions(false),
    ...approximateNote(result.totals.exact && result.layers.every(({ plan }) => plan.exact)),
    el('h2', {}, 'Layers'),
    el(
      'table',
      { class: 'layers' },
      el('thead', {}, el('tr', {}, ...['layer', 'FLOPs', 'vs left-to-right', 'params', 'peak (f32)', 'expression'].map((h) => el('th', {}, h)))),
      el('tbody', {}, ...rows),
    ),
    el('h2', {}, 'Contraction trees'),
    ...trees,
  ];
}

function approximateNote(exact: boolean): HTMLElement[] {
  return exact ? [] : [el('p', { class: 'muted' }, APPROXIMATE_NOTE)];
}

function figures(f: Figures, optimality: Optimality | null, extra: readonly FigureRow[], noIntermediate?: string): HTMLElement {
  const rows = [...figureRows(f, optimality, noIntermediate), ...extra];
  return el('table', { class: 'figures' }, ...rows.map(([name, value]) => el('tr', {}, el('th', {}, name), el('td', {}, value))));
}

function actions(runnable: boolean): HTMLElement {
  const button = (label: string, message: FromView, primary = false) => {
    const b = el('button', { class: primary ? 'primary' : 'secondary' }, label);
    b.addEventListener('click', () => vscode.postMessage(message));
    return b;
  };
  const run = runnable ? [button('Run on WebGPU', { type: 'action', action: 'run' }, true), button('Benchmark', { type: 'action', action: 'bench' })] : [];
  return el('div', { class: 'actions' }, ...run, button('Export JSON', { type: 'export' }));
}

function runLine(report: RunReport): HTMLElement {
  return el('p', { class: 'run' }, `Last run: ${backendText(report)}, ${report.runMs.toFixed(1)} ms, output ${formatShape(report.outputShape)}, ${checkText(report.check)}`);
}
