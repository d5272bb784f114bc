/**
 * The PyTorch export benchmark. Writes bench/reports/torch.json, naming the machine and the
 * torch version: `npm run bench:torch` (needs python3 with torch; CEIN_PYTHON names another).
 *
 * The paper's CP, Tucker, TT and TR layers (samples/*.cein, typed by the language with their
 * constants overridden) at CIFAR-10 sizes, batch 32 (64 -> 64 channels, 32x32 maps):
 * forward + backward time on the CPU of three exported evaluation orders, all planned by the
 * engine for the training objective (the export default) and all exported by the same generator:
 * - optimal: the planner's order (what `cein export` writes);
 * - rebuilt-kernel: rebuild the full kernel, then one convolution (what factorised-conv
 *   libraries do);
 * - left-to-right: ((X A) B) ...
 * Goal: optimal faster than rebuilt-kernel on CP, Tucker and TT. Left-to-right needs
 * intermediates of 2-17 G elements at that size, so it is skipped there (the report says so)
 * and measured at a small size too. Every step of the optimal and rebuilt-kernel plans is also
 * exported alone and timed, and each order gets an operator profile, so that a miss can be
 * traced to a step and to what PyTorch spends the time on.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCeinFile } from '../server/src/cli/cein-file.js';
import { exportExpressionToTorch, stepForms } from '../server/src/engine/export/torch.js';
import type { Plan, PlanStep } from '../server/src/engine/plan.js';
import { planExpression } from '../server/src/engine/planner.js';
import { formatCount, formatRatio } from '../server/src/engine/summary.js';
import { isLayer, isSizeConstant } from '../server/src/language/generated/ast.js';
import { DocumentTypes } from '../server/src/language/typing/document-types.js';
import { baselinePlans } from '../server/src/runtime/jobs/baselines.js';
import type { BaselineName } from '../server/src/runtime/jobs/types.js';
import { machine } from './machine.js';

/** Debian's python3 with python3-torch, as the export tests use; CEIN_PYTHON names another. */
const PYTHON = process.env.CEIN_PYTHON ?? '/usr/bin/python3';
const PROFILE_ROUNDS = 3;
/** An order runs when three times its peak of live float32 tensors (forward, saved for backward, gradients) fits in this. */
const MAX_BYTES = Number(process.env.CEIN_BENCH_MAX_GIB ?? 3) * 2 ** 30;
const BYTES_PER_F32 = 4;
const PEAK_FACTOR = 3;
/** Orders whose steps are timed one by one. */
const PROFILED: readonly BaselineName[] = ['optimal', 'rebuilt-kernel'];

interface Config {
  readonly config: string;
  /** The samples' `let` constants set to these values. */
  readonly constants: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Whether the steps are timed alone and the orders profiled. */
  readonly profile: boolean;
  /** Untimed rounds, then timed rounds (each order once per round). */
  readonly warmup: number;
  readonly rounds: number;
}

const CONFIGS: Config[] = [
  {
    config: 'CIFAR-10 ResNet layer: batch 32, 64 -> 64 channels, 32x32 (the samples, B = 32)',
    constants: { cp: { B: 32 }, tucker: { B: 32 }, tt: { B: 32 }, tr: { B: 32 } },
    profile: true,
    warmup: 3,
    rounds: Number(process.env.CEIN_BENCH_ROUNDS ?? 15),
  },
  {
    config: 'small: batch 4, 16 -> 16 channels, 32x32, ranks halved (left-to-right fits)',
    constants: {
      cp: { B: 4, S: 16, T: 16, R: 8 },
      tucker: { B: 4, S: 16, T: 16, R1: 8, R2: 8 },
      tt: { B: 4, S: 16, T: 16, R: 8 },
      tr: { B: 4, S: 16, T: 16, R: 4 },
    },
    profile: false,
    // Left-to-right takes seconds a round here.
    warmup: 1,
    rounds: 5,
  },
];

interface OperandDescription {
  readonly shape: readonly number[];
  readonly requires_grad: boolean;
}

interface BenchLayer {
  readonly name: string;
  readonly expression: string;
  readonly operands: readonly OperandDescription[];
  readonly plans: readonly { readonly name: BaselineName; readonly plan: Plan }[];
}

/** The first layer of a sample, typed with some constants overridden: shapes and options come from the language. */
async function sampleLayer(sample: string, constants: Readonly<Record<string, number>>): Promise<BenchLayer> {
  const path = `samples/${sample}.cein`;
  const { root } = await loadCeinFile(path);
  const overrides = new Map(
    Object.entries(constants).map(([name, value]) => {
      const constant = root.statements.filter(isSizeConstant).find((c) => c.name === name);
      if (!constant) throw new Error(`${path}: no constant ${name}`);
      return [constant, value] as const;
    }),
  );
  const layer = root.statements.filter(isLayer)[0];
  if (!layer) throw new Error(`${path}: no layer`);
  const types = new DocumentTypes(root, overrides).layerOf(layer);
  const shapes = types?.analysis?.analysis?.shapes;
  if (!types || !shapes) throw new Error(`${path}: layer ${layer.name} does not type`);
  const options = { ...types.planOptions, objective: 'training' as const };
  return {
    name: layer.name,
    expression: layer.expression,
    operands: shapes.map((shape, k) => ({ shape, requires_grad: options.requiresGrad?.[k] ?? true })),
    plans: baselinePlans(layer.expression, shapes, options),
  };
}

/** Why an order is not run, or null when it is. */
function skipReason(plan: Plan): string | null {
  const bytes = plan.peakElements * BYTES_PER_F32 * PEAK_FACTOR;
  if (bytes <= MAX_BYTES) return null;
  return `peak ${formatCount(plan.peakElements)} elements: about ${(bytes / 2 ** 30).toFixed(0)} GiB for forward + backward in float32, over the ${MAX_BYTES / 2 ** 30} GiB limit (CEIN_BENCH_MAX_GIB)`;
}

/** A step's inputs as leaf tensors: one needs a gradient when some operand under it does. */
function stepOperands(plan: Plan, step: PlanStep, layer: BenchLayer): OperandDescription[] {
  const n = plan.shapes.length;
  return step.inputs.map((id, k) => {
    const under = id < n ? [id] : plan.steps[id - n]!.operands;
    return { shape: step.inputShapes[k]!, requires_grad: under.some((o) => layer.operands[o]!.requires_grad) };
  });
}

/** A step planned alone from its own spec; null when that is not the same step (same MACs, same output shape). */
function stepAlone(step: PlanStep): Plan | null {
  try {
    const alone = planExpression(step.spec, step.inputShapes);
    const same = alone.steps.length === 1 && alone.macs === step.macs && alone.outputShape.join() === step.outputShape.join();
    return same ? alone : null;
  } catch {
    return null;
  }
}

/**
 * glibc's malloc gives buffers of 32 MiB and more (a batch-32 activation) back to the system on
 * free and maps fresh pages on the next allocation; in a virtual machine each such page fault
 * can cost more than the arithmetic (measured at one thread: a 64 -> 64 channel 1x1
 * convolution 44 ms instead of 3 ms), which times the machine's memory mapping, not the
 * evaluation order. These settings keep freed memory in the process, as a training loop's
 * steady state does (CEIN_BENCH_MALLOC=system leaves glibc's defaults).
 */
const MALLOC_KEEP = process.env.CEIN_BENCH_MALLOC === 'system' ? {} : { MALLOC_MMAP_MAX_: '0', MALLOC_TRIM_THRESHOLD_: String(2 ** 36) };

function python(args: string[]): string {
  const result = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: { ...process.env, ...MALLOC_KEEP } });
  if (result.error) throw new Error(`${PYTHON}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${PYTHON} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly q1Ms: number;
  readonly q3Ms: number;
  readonly samples: number;
}

interface MeasuredLayer {
  readonly name: string;
  readonly orders: readonly ({ readonly name: BaselineName; readonly relativeError: number } & Timing)[];
  readonly profiles: Readonly<Record<string, unknown>>;
  readonly steps: readonly ({ readonly order: BaselineName; readonly index: number } & Timing)[];
}

interface TimingAnswer {
  readonly torch: string;
  readonly threads: number;
  /** What the torch build multiplies matrices with, and two throughputs that show it. */
  readonly blas: unknown;
  /** CP's optimal order written by hand as oneDNN convolutions, against the rebuilt kernel: the reference for the exported module's forms. */
  readonly convFormProbe: unknown;
  readonly configs: readonly { readonly layers: readonly MeasuredLayer[] }[];
}

interface StepRow {
  readonly spec: string;
  readonly macs: number;
  /** How the exporter writes the step (its stepForms). */
  readonly form: string;
  /** The step exported alone; null when its spec alone plans differently, so it is not timed alone. */
  readonly file: string | null;
}

/** Exports every order (and, when profiled, every step alone) of a layer; answers the Python request and what the report keeps. */
function exportLayer(layer: BenchLayer, work: string, profile: boolean) {
  const id = (...parts: (string | number)[]) => [layer.name, ...parts].join('_').replace(/-/g, '_');
  mkdirSync(work, { recursive: true });
  const runnable = layer.plans.filter(({ plan }) => skipReason(plan) === null);
  const orders = runnable.map(({ name, plan }) => {
    const file = join(work, `${id(name)}.py`);
    writeFileSync(file, exportExpressionToTorch(plan));
    return { name, file };
  });
  const steps = new Map<BaselineName, StepRow[]>();
  const stepRequests: { order: BaselineName; index: number; file: string; operands: OperandDescription[] }[] = [];
  for (const { name, plan } of profile ? runnable.filter((p) => PROFILED.includes(p.name)) : []) {
    const forms = stepForms(plan);
    const rows = plan.steps.map((step, index): StepRow => {
      const form = forms[index]!;
      const alone = stepAlone(step);
      if (!alone) return { spec: step.spec, macs: step.macs, form, file: null };
      const file = join(work, `${id(name, 'step', index)}.py`);
      writeFileSync(file, exportExpressionToTorch(alone));
      stepRequests.push({ order: name, index, file, operands: stepOperands(plan, step, layer) });
      return { spec: step.spec, macs: step.macs, form, file };
    });
    steps.set(name, rows);
  }
  return { request: { name: layer.name, operands: layer.operands, orders, steps: stepRequests }, steps };
}

function reportLayer(layer: BenchLayer, measured: MeasuredLayer, steps: ReadonlyMap<BaselineName, StepRow[]>) {
  const optimal = layer.plans.find((p) => p.name === 'optimal')!.plan;
  const optimalMs = measured.orders.find((o) => o.name === 'optimal')!.medianMs;
  const orders = layer.plans.map(({ name, plan }) => {
    const figures = { order: name, macs: plan.macs, trainingMacs: plan.objectiveValue, forwardMacRatio: plan.macs / optimal.macs, trainingMacRatio: plan.objectiveValue / optimal.objectiveValue };
    const timing = measured.orders.find((o) => o.name === name);
    if (!timing) return { ...figures, skipped: skipReason(plan) };
    const { name: _, ...rest } = timing;
    return { ...figures, ...rest, measuredRatio: timing.medianMs / optimalMs };
  });
  const profile = [...steps].map(([order, rows]) => ({
    order,
    steps: rows.map(({ file: _, ...row }, index) => ({ ...row, timing: measured.steps.find((s) => s.order === order && s.index === index) ?? null })),
    operators: measured.profiles[order] ?? null,
  }));
  return { layer: layer.name, expression: layer.expression, shapes: layer.operands.map((o) => o.shape), orders, profile };
}

type ReportLayer = ReturnType<typeof reportLayer>;

const optimalOrder = (row: ReportLayer) => row.orders.find((o) => o.order === 'optimal')!;
const optimalMs = (row: ReportLayer) => {
  const optimal = optimalOrder(row);
  return 'medianMs' in optimal ? optimal.medianMs : NaN;
};

function printTable(config: string, rows: readonly ReportLayer[]): void {
  console.log(`\n${config}`);
  console.log('layer   order           train MACs  median ms  [q1, q3]            time / optimal  train-MAC ratio');
  for (const row of rows) {
    for (const o of row.orders) {
      const head = `${row.layer.padEnd(7)} ${o.order.padEnd(15)} ${formatCount(o.trainingMacs).padStart(10)}`;
      if ('skipped' in o) console.log(`${head}  skipped: ${o.skipped}`);
      else console.log(`${head}  ${o.medianMs.toFixed(1).padStart(9)}  [${o.q1Ms.toFixed(1)}, ${o.q3Ms.toFixed(1)}]`.padEnd(78) + `${formatRatio(o.medianMs, optimalMs(row)).padStart(8)}  ${formatRatio(o.trainingMacs, optimalOrder(row).trainingMacs).padStart(14)}`);
    }
  }
  for (const row of rows) {
    for (const { order, steps } of row.profile) {
      console.log(`  ${row.layer} ${order}: ${steps.map((s) => `${s.spec} [${s.form}] ${s.timing ? `${s.timing.medianMs.toFixed(1)} ms` : '-'}`).join('; ')}`);
    }
  }
}

async function main(): Promise<void> {
  const host = machine();
  // Timings on a shared machine move with its load: the report keeps the 1-minute load average before and after.
  const loadBefore = loadavg()[0]!;
  const work = mkdtempSync(join(tmpdir(), 'cein-bench-torch-'));
  try {
    const planned = await Promise.all(
      CONFIGS.map(async (config) => {
        const layers = await Promise.all(Object.entries(config.constants).map(([sample, constants]) => sampleLayer(sample, constants)));
        return { config, layers, exported: layers.map((layer) => exportLayer(layer, join(work, `config${CONFIGS.indexOf(config)}`), config.profile)) };
      }),
    );
    // One Python process times everything, so every figure comes from the same warm interpreter.
    const requestFile = join(work, 'request.json');
    const request = {
      // torch.set_num_threads: the cores, unless CEIN_BENCH_THREADS says otherwise.
      threads: Number(process.env.CEIN_BENCH_THREADS ?? host.cores),
      profile_rounds: PROFILE_ROUNDS,
      configs: planned.map(({ config, exported }) => ({ profile: config.profile, warmup: config.warmup, rounds: config.rounds, layers: exported.map((e) => e.request) })),
    };
    writeFileSync(requestFile, JSON.stringify(request));
    const answer = JSON.parse(python(['bench/torch-timing.py', requestFile])) as TimingAnswer;
    const configs = planned.map(({ config, layers, exported }, c) => {
      const rows = layers.map((layer, l) => reportLayer(layer, answer.configs[c]!.layers[l]!, exported[l]!.steps));
      printTable(config.config, rows);
      return { config: config.config, warmup: config.warmup, rounds: config.rounds, layers: rows };
    });
    const report = {
      benchmark: 'exported PyTorch modules: forward + backward on the CPU, float32',
      date: new Date().toISOString(),
      machine: { ...host, python: PYTHON, torch: answer.torch, threads: answer.threads, blas: answer.blas, malloc: MALLOC_KEEP, loadAverage: { before: loadBefore, after: loadavg()[0]! } },
      settings: { objective: 'training', dtype: 'float32', profileRounds: PROFILE_ROUNDS, maxGiB: MAX_BYTES / 2 ** 30 },
      convFormProbe: answer.convFormProbe,
      configs,
    };
    mkdirSync('bench/reports', { recursive: true });
    writeFileSync('bench/reports/torch.json', `${JSON.stringify(report, null, 2)}\n`);
    console.log('\nreport: bench/reports/torch.json');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
