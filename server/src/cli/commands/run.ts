import { readFileSync, writeFileSync } from 'node:fs';
import { parseShapes, UsageError } from '../arguments.js';
import { analyzeLayer, forExpression, planOptions, type LayerFlags } from '../layer.js';
import { formatProblems } from '../report.js';
import { planAnalysis } from '../../engine/planner.js';
import { formatShape } from '../../engine/summary.js';
import { compare, type Comparison } from '../../runtime/compare.js';
import { evaluateDirect } from '../../runtime/cpu/direct.js';
import { executePlan } from '../../runtime/cpu/execute.js';
import type { Tensor } from '../../runtime/cpu/tensor.js';
import { readNpy, writeNpy } from '../../runtime/npy.js';
import { randomData, seededRandom } from '../../runtime/random.js';

export interface RunFlags extends LayerFlags {
  readonly inputs?: string;
  readonly shapes?: string;
  readonly seed: string;
  readonly out?: string;
  readonly backend: 'cpu';
  readonly check?: boolean;
}

function loadInputs(flags: RunFlags): Tensor[] {
  if (flags.inputs) {
    return flags.inputs.split(',').map((file) => {
      const array = readNpy(readFileSync(file.trim()), file.trim());
      return { shape: array.shape, data: array.data };
    });
  }
  if (!flags.shapes) throw new UsageError('give --inputs a.npy,b.npy,... or --shapes with --seed for random inputs');
  const random = seededRandom(Number(flags.seed));
  return parseShapes(flags.shapes).map((shape) => ({ shape, data: randomData(shape, random) }));
}

export function runCommand(flags: RunFlags): number {
  const inputs = loadInputs(flags);
  const options = planOptions(flags);
  const { analysis, warnings } = analyzeLayer(flags.expr, inputs.map((t) => t.shape), options);
  const plan = forExpression(flags.expr, () => planAnalysis(analysis, options));

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
