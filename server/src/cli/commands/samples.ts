import { readFileSync } from 'node:fs';
import { parseConvFlags, UsageError, type ConvFlags } from '../arguments.js';
import { ExpressionError } from '../exit.js';
import { planAnalysis } from '../../engine/planner.js';
import { EngineError } from '../../engine/problems.js';
import { analyze } from '../../engine/shapes.js';
import type { FigureName, Plan } from '../../engine/plan.js';
import { APPROXIMATE_NOTE, formatFigure, formatParams, formatRatio, isExactFigure } from '../../engine/summary.js';
import { compare } from '../../runtime/compare.js';
import { evaluateDirect } from '../../runtime/cpu/direct.js';
import { executePlan } from '../../runtime/cpu/execute.js';
import { randomData, seededRandom } from '../../runtime/random.js';
import { NoAdapterError } from '../../runtime/webgpu/device.js';
import { formatTable } from '../table.js';
import type { GpuFlags } from './run-webgpu.js';
import { samplesOnWebGpu } from './samples-webgpu.js';

export interface SampleLayer {
  readonly name: string;
  readonly expr: string;
  readonly shapes: number[][];
  readonly runShapes: number[][];
  readonly options?: ConvFlags;
}

/** Relative error above which the plan's result and the direct evaluation disagree (both float64). */
const TOLERANCE = 1e-9;

export function readSamples(file: string): SampleLayer[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { layers?: SampleLayer[] };
  if (!Array.isArray(parsed.layers)) throw new UsageError(`${file} has no "layers" list`);
  return parsed.layers;
}

export function planLayer(expression: string, shapes: number[][], options: ConvFlags | undefined) {
  const conv = parseConvFlags(options ?? {});
  const result = analyze(expression, shapes, conv);
  if (!result.analysis) throw new ExpressionError(expression, new EngineError(result.problems));
  return { analysis: result.analysis, plan: planAnalysis(result.analysis, { conv }) };
}

/** Figures of a layer at its full sizes, the same whichever backend runs it. */
export function planColumns(plan: Plan): string[] {
  const exact = (name: FigureName) => isExactFigure(plan, name);
  const baseline = (macs: number, name: FigureName) => `${formatFigure(macs, exact(name))} (${formatRatio(macs, plan.macs, exact(name) && exact('macs'))})`;
  return [
    formatFigure(plan.macs, exact('macs')),
    baseline(plan.naiveMacs, 'naiveMacs'),
    plan.rebuiltMacs === null ? '-' : baseline(plan.rebuiltMacs, 'rebuiltMacs'),
    formatParams(plan),
  ];
}

export const PLAN_HEADER = ['layer', 'optimal MACs', 'left-to-right', 'rebuilt kernel', 'parameters'];

/** The line that explains "≈" below the table, when some figure in it is beyond exact range. */
export function planNote(plans: readonly Plan[]): string {
  return plans.every((plan) => plan.exact) ? '' : `${APPROXIMATE_NOTE}\n`;
}

/** The design numbers of a layer, as the samples JSON lists them. */
export function designJson(plan: Plan) {
  return { params: plan.params, constElements: plan.constElements, denseParams: plan.denseParams, compression: plan.compression, denseMacs: plan.denseMacs };
}

export type SamplesBackend = 'auto' | 'cpu' | 'webgpu';

/** WebGPU unless asked otherwise; with `auto`, the CPU reference when no adapter exists. */
export async function samplesCommand(file: string, flags: { json?: boolean; backend?: SamplesBackend } & GpuFlags): Promise<number> {
  const layers = readSamples(file);
  if (flags.backend === 'cpu') return samplesOnCpu(layers, flags, 'backend: cpu (float64 reference); add --backend webgpu to run the layers on the WebGPU device');
  if (flags.backend === 'webgpu') return samplesOnWebGpu(layers, flags);
  try {
    return await samplesOnWebGpu(layers, flags);
  } catch (e) {
    if (!(e instanceof NoAdapterError)) throw e;
    return samplesOnCpu(layers, flags, `notice: no WebGPU adapter, so the layers run on the CPU (float64 reference) instead.\n${e.message}`);
  }
}

function samplesOnCpu(layers: readonly SampleLayer[], flags: { json?: boolean }, notice: string): number {
  const rows = layers.map((layer, k) => {
    const { plan } = planLayer(layer.expr, layer.shapes, layer.options);
    const small = planLayer(layer.expr, layer.runShapes, layer.options);
    const random = seededRandom(k + 1);
    const inputs = layer.runShapes.map((shape) => ({ shape, data: randomData(shape, random) }));
    const started = performance.now();
    const output = executePlan(small.plan, inputs);
    const runMs = performance.now() - started;
    const check = compare(output.data, evaluateDirect(small.analysis, inputs).data);
    return { name: layer.name, expr: layer.expr, plan, macs: plan.macs, naiveMacs: plan.naiveMacs, rebuiltMacs: plan.rebuiltMacs, ...designJson(plan), optimal: plan.optimal, optimality: plan.optimality, planMs: plan.planMs, runShapes: layer.runShapes, runMs, check, ok: check.relativeError <= TOLERANCE };
  });
  const ok = rows.every((r) => r.ok);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ backend: 'cpu', notice, ok, layers: rows.map(({ plan: _plan, ...row }) => row) }, null, 2)}\n`);
    return ok ? 0 : 1;
  }
  const table = rows.map((r) => [r.name, ...planColumns(r.plan), r.planMs.toFixed(1), `${r.ok ? 'ok' : 'FAILED'} ${r.check.relativeError.toExponential(1)}`]);
  process.stdout.write(`${notice}\n\n${formatTable([...PLAN_HEADER, 'plan ms', 'run check (rel. error)'], table)}\n${planNote(rows.map((r) => r.plan))}`);
  process.stdout.write(`\n${ok ? 'all layers agree with the direct evaluation' : 'some layers DISAGREE with the direct evaluation'}\n`);
  return ok ? 0 : 1;
}
