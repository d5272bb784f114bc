import { parseShapes } from '../arguments.js';
import { checkOperandRange, parseConvFlags, parseOperandList } from '../arguments.js';
import type { LayerFlags } from '../layer.js';
import { formatProblems } from '../report.js';
import { analyze } from '../../engine/shapes.js';
import { hasErrors } from '../../engine/problems.js';
import { formatShape } from '../../engine/summary.js';

export function checkCommand(flags: LayerFlags & { shapes: string }): number {
  const result = analyze(flags.expr, parseShapes(flags.shapes), parseConvFlags(flags));
  if (flags.data !== undefined) {
    const dataOperands = parseOperandList('--data', flags.data);
    if (result.analysis) checkOperandRange('--data', dataOperands, result.analysis.terms.length);
  }
  const ok = !hasErrors(result.problems);
  if (flags.json) {
    const indices = result.analysis?.indices.map((i) => ({ name: i.name, kind: i.kind, size: i.size, sizes: i.sizes, conv: i.conv ?? null })) ?? null;
    process.stdout.write(`${JSON.stringify({ ok, problems: result.problems, outputShape: result.analysis?.outputShape ?? null, indices }, null, 2)}\n`);
  } else {
    if (result.problems.length > 0) process.stderr.write(`${formatProblems(flags.expr, result.problems)}\n`);
    if (result.analysis) process.stdout.write(`ok: output shape ${formatShape(result.analysis.outputShape)}\n`);
  }
  return ok ? 0 : 2;
}
