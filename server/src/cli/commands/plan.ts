import { parseShapes } from '../arguments.js';
import { analyzeLayer, forExpression, planOptions, type LayerFlags } from '../layer.js';
import { formatProblems } from '../report.js';
import { planAnalysis } from '../../engine/planner.js';
import type { Plan } from '../../engine/plan.js';
import { planSummary } from '../../engine/summary.js';

/** The plan as the JSON object `plan --json` prints. */
export function planJson(plan: Plan): Record<string, unknown> {
  return {
    ...plan,
    speedupVsNaive: plan.macs > 0 ? plan.naiveMacs / plan.macs : null,
    speedupVsRebuilt: plan.rebuiltMacs !== null && plan.macs > 0 ? plan.rebuiltMacs / plan.macs : null,
  };
}

export function planCommand(flags: LayerFlags & { shapes: string }): number {
  const shapes = parseShapes(flags.shapes);
  const options = planOptions(flags);
  const { analysis, warnings } = analyzeLayer(flags.expr, shapes, options);
  const plan = forExpression(flags.expr, () => planAnalysis(analysis, options));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...planJson(plan), problems: warnings }, null, 2)}\n`);
  } else {
    if (warnings.length > 0) process.stderr.write(`${formatProblems(flags.expr, warnings)}\n`);
    process.stdout.write(`${planSummary(plan)}\n`);
  }
  return 0;
}
