import { parsePositive, parseSeed, parseShapes, UsageError } from '../arguments.js';
import { analyzeLayer, forExpression, planOptions, type LayerFlags } from '../layer.js';
import { formatProblems } from '../report.js';
import { planAnalysis } from '../../engine/planner.js';
import type { Analysis } from '../../engine/shapes.js';
import { formatCount, formatShape } from '../../engine/summary.js';
import { DEFAULT_CHECK_LIMIT, directCheckScope, type DirectCheck, type DirectCheckScope } from '../../runtime/cpu/direct-check.js';
import { runOnCpu } from '../../runtime/jobs/cpu-run.js';
import type { LayerInputs } from '../../runtime/jobs/types.js';
import { readNpyFile, writeNpy } from '../../runtime/npy.js';
import { checkWritable, writeFileAtomic } from '../../runtime/output-file.js';
import { runOnWebGpu, timeoutMs, type GpuFlags } from './run-webgpu.js';

export interface RunFlags extends LayerFlags, GpuFlags {
  readonly inputs?: string;
  readonly shapes?: string;
  readonly seed: string;
  readonly out?: string;
  readonly backend: 'cpu' | 'webgpu';
  readonly check?: boolean;
  readonly checkLimit?: string;
}

type CliInputs = Extract<LayerInputs, { kind: 'tensors' | 'random' }>;

const DEFAULT_TIMEOUT_S = 300;

/** The .npy files read, or seeded random inputs described (the WebGPU worker generates those itself, after checking the device's limits). */
function inputSource(flags: RunFlags): CliInputs {
  if (flags.inputs !== undefined && flags.shapes !== undefined) throw new UsageError('give either --inputs (the .npy files carry their shapes) or --shapes with --seed, not both');
  if (flags.inputs !== undefined) {
    const tensors = flags.inputs.split(',').map((file) => {
      const array = readNpyFile(file.trim());
      return { shape: array.shape, data: array.data };
    });
    return { kind: 'tensors', tensors };
  }
  if (flags.shapes === undefined) throw new UsageError('give --inputs a.npy,b.npy,... or --shapes with --seed for random inputs');
  return { kind: 'random', shapes: parseShapes(flags.shapes), seed: parseSeed(flags.seed) };
}

/** A bad --out is reported before any computation. */
function checkOut(out: string | undefined): void {
  if (out === undefined) return;
  try {
    checkWritable(out);
  } catch (e) {
    throw new UsageError(`--out: ${(e as Error).message}`);
  }
}

export function runCommand(flags: RunFlags): number | Promise<number> {
  const seed = parseSeed(flags.seed);
  const source = inputSource(flags);
  const shapes = source.kind === 'random' ? source.shapes : source.tensors.map((t) => t.shape);
  const options = planOptions(flags);
  const { analysis, warnings } = analyzeLayer(flags.expr, shapes, options);
  const timeout = timeoutMs(flags, DEFAULT_TIMEOUT_S);
  checkOut(flags.out);
  const plan = forExpression(flags.expr, () => planAnalysis(analysis, options));
  if (flags.backend === 'webgpu') return runOnWebGpu(flags, plan, source, warnings, timeout);
  const scope = flags.check ? checkScope(analysis, flags.checkLimit) : null;
  return runOnTheCpu(flags, { plan, source, analysis, scope, seed, timeout, warnings });
}

/** The scope of the direct check, or a refusal saying what it would cost and how to proceed. */
function checkScope(analysis: Analysis, limitText: string | undefined): DirectCheckScope {
  const limit = limitText === undefined ? DEFAULT_CHECK_LIMIT : parsePositive('--check-limit', limitText);
  const scope = directCheckScope(analysis, limit);
  if (scope.kind === 'refused') {
    throw new UsageError(
      `--check: the direct evaluation needs ${formatCount(scope.cost.productsPerElement)} products for one output element ` +
        `(${formatCount(scope.cost.products)} in all), over the limit of ${formatCount(limit)}; ` +
        `raise --check-limit, or check the plan with --backend webgpu --check (against the CPU float64 run of the plan)`,
    );
  }
  return scope;
}

interface CpuRun {
  readonly plan: ReturnType<typeof planAnalysis>;
  readonly source: CliInputs;
  readonly analysis: Analysis;
  readonly scope: DirectCheckScope | null;
  readonly seed: number;
  readonly timeout: number;
  readonly warnings: ReturnType<typeof analyzeLayer>['warnings'];
}

/** The float64 plan in a worker thread, so that --timeout can stop it (and the direct check) wherever it is. */
async function runOnTheCpu(flags: RunFlags, run: CpuRun): Promise<number> {
  const { plan, source, analysis, scope, seed, timeout, warnings } = run;
  const result = await runOnCpu(
    { plan, inputs: source, returnOutput: flags.out !== undefined, ...(scope ? { check: { analysis, scope, seed } } : {}) },
    { timeoutMs: timeout },
  );
  if (flags.out !== undefined) writeFileAtomic(flags.out, writeNpy(result.output!, result.outputShape, '<f8'));
  const check = result.check ?? null;
  if (flags.json) {
    const report = { backend: flags.backend, outputShape: result.outputShape, out: flags.out ?? null, runMs: result.runMs, macs: plan.macs, check, problems: warnings };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    if (warnings.length > 0) process.stderr.write(`${formatProblems(flags.expr, warnings)}\n`);
    process.stdout.write(`ran on ${flags.backend} (float64) in ${result.runMs.toFixed(1)} ms: output ${formatShape(result.outputShape)}${flags.out !== undefined ? ` written to ${flags.out}` : ''}\n`);
    if (check) process.stdout.write(`${describeDirectCheck(check)}\n`);
  }
  return 0;
}

function describeDirectCheck(check: DirectCheck): string {
  const where = check.sampled
    ? ` at ${formatCount(check.positions)} random output positions of ${formatCount(check.outputElements)} (all of them would take ${formatCount(check.fullProducts)} products; see --check-limit)`
    : '';
  return `against the direct evaluation${where}: max abs error ${check.maxAbsError.toExponential(2)}, relative ${check.relativeError.toExponential(2)}`;
}
