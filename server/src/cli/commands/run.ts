import { readFileSync, writeFileSync } from 'node:fs';
import { parseShapes, UsageError } from '../arguments.js';
import { analyzeLayer, forExpression, planOptions, type LayerFlags } from '../layer.js';
import { formatProblems } from '../report.js';
import { planAnalysis } from '../../engine/planner.js';
import { formatShape } from '../../engine/summary.js';
import { compare, type Comparison } from '../../runtime/compare.js';
import { evaluateDirect } from '../../runtime/cpu/direct.js';
import { executePlan } from '../../runtime/cpu/execute.js';
import { loadInputs } from '../../runtime/jobs/inputs.js';
import type { LayerInputs } from '../../runtime/jobs/types.js';
import { readNpy, writeNpy } from '../../runtime/npy.js';
import { runOnWebGpu, type GpuFlags } from './run-webgpu.js';

export interface RunFlags extends LayerFlags, GpuFlags {
  readonly inputs?: string;
  readonly shapes?: string;
  readonly seed: string;
  readonly out?: string;
  readonly backend: 'cpu' | 'webgpu';
  readonly check?: boolean;
}

type CliInputs = Extract<LayerInputs, { kind: 'tensors' | 'random' }>;

/** The .npy files read, or seeded random inputs described (the WebGPU worker generates those itself, after checking the device's limits). */
function inputSource(flags: RunFlags): CliInputs {
  if (flags.inputs) {
    const tensors = flags.inputs.split(',').map((file) => {
      const array = readNpy(readFileSync(file.trim()), file.trim());
      return { shape: array.shape, data: array.data };
    });
    return { kind: 'tensors', tensors };
  }
  if (!flags.shapes) throw new UsageError('give --inputs a.npy,b.npy,... or --shapes with --seed for random inputs');
  return { kind: 'random', shapes: parseShapes(flags.shapes), seed: Number(flags.seed) };
}

export function runCommand(flags: RunFlags): number | Promise<number> {
  const source = inputSource(flags);
  const shapes = source.kind === 'random' ? source.shapes : source.tensors.map((t) => t.shape);
  const options = planOptions(flags);
  const { analysis, warnings } = analyzeLayer(flags.expr, shapes, options);
  const plan = forExpression(flags.expr, () => planAnalysis(analysis, options));
  if (flags.backend === 'webgpu') return runOnWebGpu(flags, plan, source, warnings);

  const inputs = loadInputs(source);

  const started = performance.now();
  const output = executePlan(plan, inputs);
  const runMs = performance.now() - started;
  const check: Comparison | null = flags.check ? compare(output.data, evaluateDirect(analysis, inputs).data) : null;
  if (flags.out) writeFileSync(flags.out, writeNpy(output.data, output.shape, '<f8'));

  if (flags.json) {
    const report = { backend: flags.backend, outputShape: output.shape, out: flags.out ?? null, runMs, macs: plan.macs, check, problems: warnings };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    if (warnings.length > 0) process.stderr.write(`${formatProblems(flags.expr, warnings)}\n`);
    process.stdout.write(`ran on ${flags.backend} (float64) in ${runMs.toFixed(1)} ms: output ${formatShape(output.shape)}${flags.out ? ` written to ${flags.out}` : ''}\n`);
    if (check) process.stdout.write(`against the direct evaluation: max abs error ${check.maxAbsError.toExponential(2)}, relative ${check.relativeError.toExponential(2)}\n`);
  }
  return 0;
}
