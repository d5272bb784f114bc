/**
 * `cein bench`: times a layer's optimal plan against its left-to-right and rebuilt-kernel plans
 * on the WebGPU device, on the same seeded inputs: median, quartiles, min and max over timed
 * runs, achieved GFLOP/s, and per-step times. Plans that are the same plan show as one row. One layer from --expr/--shapes, or every layer of a
 * samples list.
 */
import { readFileSync } from 'node:fs';
import type { PlanOptions } from '../../engine/planner.js';
import type { Problem } from '../../engine/problems.js';
import { formatCount, formatRatio, formatShape } from '../../engine/summary.js';
import { BASELINES, baselinePlans } from '../../runtime/jobs/baselines.js';
import { DEFAULT_REPEATS, DEFAULT_WARMUP } from '../../runtime/jobs/bench-layer.js';
import type { BaselineName, BenchResult, PlanBenchmark } from '../../runtime/jobs/types.js';
import { GpuWorker } from '../../runtime/jobs/worker-client.js';
import { formatAdapter } from '../../runtime/webgpu/device.js';
import { parseConvFlags, parseSeed, parseShapes, UsageError, type ConvFlags } from '../arguments.js';
import { analyzeLayer, forExpression, planOptions, type LayerFlags } from '../layer.js';
import { formatProblems } from '../report.js';
import { formatTable } from '../table.js';
import { describeCheck, timeoutMs, type GpuFlags } from './run-webgpu.js';

export interface BenchFlags extends Omit<LayerFlags, 'expr'>, GpuFlags {
  readonly expr?: string;
  readonly shapes?: string;
  readonly seed: string;
  readonly batch?: string;
  readonly warmup?: string;
  readonly repeats?: string;
  readonly plans?: string;
  readonly check?: boolean;
}

interface BenchLayer {
  readonly name: string;
  readonly expr: string;
  readonly shapes: number[][];
  readonly options: PlanOptions;
  readonly warnings: readonly Problem[];
}

const DEFAULT_TIMEOUT_S = 600;

export async function benchCommand(file: string | undefined, flags: BenchFlags): Promise<number> {
  if (file !== undefined && (flags.expr !== undefined || flags.shapes !== undefined)) {
    throw new UsageError(`give either a samples file (${file}) or --expr with --shapes, not both`);
  }
  const seed = parseSeed(flags.seed);
  const timeout = timeoutMs(flags, DEFAULT_TIMEOUT_S);
  const layers = file !== undefined ? layersOfFile(file, flags) : [layerOfFlags(flags)];
  const names = parsePlans(flags.plans);
  const warmup = count('--warmup', flags.warmup, DEFAULT_WARMUP, 0);
  const repeats = count('--repeats', flags.repeats, DEFAULT_REPEATS, 1);
  const worker = new GpuWorker();
  try {
    const results: (BenchResult & { name: string })[] = [];
    for (const layer of layers) {
      if (!flags.json && layer.warnings.length > 0) process.stderr.write(`${formatProblems(layer.expr, layer.warnings)}\n`);
      const plans = forExpression(layer.expr, () => baselinePlans(layer.expr, layer.shapes, layer.options, names));
      const inputs = { kind: 'random' as const, shapes: layer.shapes, seed };
      const result = await worker.bench({ plans, inputs, warmup, repeats, check: flags.check, adapter: flags.adapter }, { timeoutMs: timeout });
      results.push({ name: layer.name, ...result });
      if (!flags.json) process.stdout.write(`${formatBenchmark(layer.name, result)}\n\n`);
    }
    if (flags.json) process.stdout.write(`${JSON.stringify({ adapter: results[0]?.adapter ?? null, layers: results }, null, 2)}\n`);
    const failed = results.some((r) => r.plans.every((p) => p.skipped) || r.plans.some((p) => p.check && !p.check.ok));
    return failed ? 1 : 0;
  } finally {
    worker.dispose();
  }
}

function layerOfFlags(flags: BenchFlags): BenchLayer {
  if (!flags.expr || !flags.shapes) throw new UsageError('give --expr and --shapes, or a samples file (e.g. samples/expressions.json)');
  const layerFlags = { ...flags, expr: flags.expr };
  const options = planOptions(layerFlags);
  const { warnings } = analyzeLayer(flags.expr, parseShapes(flags.shapes), options);
  return { name: flags.expr, expr: flags.expr, shapes: parseShapes(flags.shapes), options, warnings };
}

/** Layers of a samples list at their full `shapes`, with `--batch` replacing the size of the index named b. */
function layersOfFile(file: string, flags: BenchFlags): BenchLayer[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { layers?: { name: string; expr: string; shapes: number[][]; options?: ConvFlags }[] };
  if (!Array.isArray(parsed.layers)) throw new UsageError(`${file} has no "layers" list`);
  const batch = flags.batch === undefined ? null : count('--batch', flags.batch, 1, 1);
  return parsed.layers.map((layer) => {
    const options: PlanOptions = { ...planOptions({ ...flags, expr: layer.expr }), conv: parseConvFlags(layer.options ?? {}) };
    const { analysis } = analyzeLayer(layer.expr, layer.shapes, options);
    const shapes = batch === null ? layer.shapes : layer.shapes.map((shape, k) => shape.map((size, axis) => (analysis.terms[k]![axis] === 'b' ? batch : size)));
    const { warnings } = analyzeLayer(layer.expr, shapes, options);
    return { name: layer.name, expr: layer.expr, shapes, options, warnings };
  });
}

function parsePlans(text: string | undefined): BaselineName[] {
  if (!text) return [...BASELINES];
  const names = text.split(',').map((t) => t.trim());
  const unknown = names.find((n) => !(BASELINES as readonly string[]).includes(n));
  if (unknown !== undefined) throw new UsageError(`--plans: "${unknown}" is not one of ${BASELINES.join(', ')}`);
  return names as BaselineName[];
}

function count(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${flag} "${text}" must be an integer of at least ${min}`);
  return value;
}

export function formatBenchmark(name: string, result: BenchResult): string {
  const lines = [
    `${name}: ${result.expression}`,
    `  shapes ${result.shapes.map(formatShape).join(', ')}; ${formatAdapter(result.adapter)}; ${result.warmup} warm-up + ${result.repeats} timed runs`,
  ];
  const rows = result.plans.filter((p) => !p.sameAs).map((p) => planRow(p, result.plans));
  lines.push(formatTable(['plan', 'MACs', 'FLOPs vs optimal', 'median ms', 'quartiles ms', 'min ms', 'max ms', 'GFLOP/s', 'time vs optimal'], rows, '  '));
  if (result.samePlans) lines.push(`  ${result.samePlans}`);
  for (const p of result.plans.filter((p) => !p.sameAs)) {
    if (p.skipped) lines.push(`  ${p.name} skipped: ${p.skipped}`);
    if (p.check) lines.push(`  ${p.name} ${describeCheck(p.check)}`);
  }
  const optimal = result.plans[0];
  if (optimal?.steps) {
    lines.push(`  steps of the ${optimal.name} plan (each timed alone):`);
    const steps = optimal.steps.map((s, i) => [String(i + 1), s.spec, s.kind, formatCount(s.macs), s.kernels, s.time.medianMs.toFixed(2), s.gflops.toFixed(2)]);
    lines.push(formatTable(['step', 'spec', 'kind', 'MACs', 'kernels', 'median ms', 'GFLOP/s'], steps, '    '));
  }
  return lines.join('\n');
}

/** One row per distinct plan, named by every name it goes by ("optimal = left-to-right"). */
function planRow(p: PlanBenchmark, plans: readonly PlanBenchmark[]): string[] {
  const name = [p.name, ...plans.filter((q) => q.sameAs === p.name).map((q) => q.name)].join(' = ');
  const ratio = formatRatio(p.flopRatio, 1);
  if (!p.time) return [name, formatCount(p.macs), ratio, '-', '-', '-', '-', '-', '-'];
  const t = p.time;
  const quartiles = `${t.q1Ms.toFixed(2)}-${t.q3Ms.toFixed(2)}`;
  return [name, formatCount(p.macs), ratio, t.medianMs.toFixed(2), quartiles, t.minMs.toFixed(2), t.maxMs.toFixed(2), (p.gflops ?? 0).toFixed(2), p.timeRatio === undefined ? '-' : formatRatio(p.timeRatio, 1)];
}
