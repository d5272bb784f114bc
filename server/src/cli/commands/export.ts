/**
 * `cein export`: a layer, a network or an expression as a self-contained PyTorch file.
 * - `--expr SPEC --shapes ...`: `forward(*operands)` with MACS, OUTPUT_SHAPE and PATH;
 * - `FILE.cein [--layer NAME | --network NAME]`: one torch.nn.Module per layer and per network
 *   (all of them when neither is given).
 * The output path is checked first and written at once at the end, so bad input writes nothing.
 */
import { ExportError, exportExpressionToTorch, exportModulesToTorch, stepForms } from '../../engine/export/torch.js';
import type { Plan } from '../../engine/plan.js';
import type { TorchProgram } from '../../engine/export/program.js';
import { planAnalysis } from '../../engine/planner.js';
import type { Objective } from '../../engine/options.js';
import { torchProgramOf } from '../../language/export/torch-program.js';
import { checkWritable, writeFileAtomic } from '../../runtime/output-file.js';
import { parsePositive, parseShapes, UsageError } from '../arguments.js';
import { loadCeinFile } from '../cein-file.js';
import { analyzeLayer, forExpression, planOptions, type LayerFlags } from '../layer.js';
import { formatProblems } from '../report.js';

export interface ExportFlags extends Omit<LayerFlags, 'expr'> {
  readonly expr?: string;
  readonly shapes?: string;
  readonly layer?: string;
  readonly network?: string;
  readonly out: string;
}

/** Flags that shape one expression's plan; a .cein file states these in its layers instead. */
const EXPRESSION_ONLY: readonly (keyof ExportFlags)[] = ['shapes', 'stride', 'padding', 'dilation', 'paddingMode', 'memoryCap', 'requiresGrad', 'data'];

export async function exportCommand(file: string | undefined, flags: ExportFlags): Promise<number> {
  if (file !== undefined && flags.expr !== undefined) throw new UsageError('give a .cein file or --expr, not both');
  if (file === undefined && flags.expr === undefined) throw new UsageError('give a .cein file to export, or --expr with --shapes');
  try {
    checkWritable(flags.out);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { code, summary } = file !== undefined ? await exportFile(file, flags) : exportExpression({ ...flags, expr: flags.expr! });
  try {
    writeFileAtomic(flags.out, new TextEncoder().encode(code));
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
  process.stdout.write(flags.json ? `${JSON.stringify({ out: flags.out, ...summary }, null, 2)}\n` : `wrote ${flags.out}\n`);
  return 0;
}

interface Exported {
  readonly code: string;
  /** What `--json` prints besides the path: per layer its plan's MACs and each step's form. */
  readonly summary: Record<string, unknown>;
}

function planSummary(plan: Plan): Record<string, unknown> {
  const forms = stepForms(plan);
  return { objective: plan.objective, macs: plan.macs, steps: plan.steps.map((step, i) => ({ spec: step.spec, form: forms[i] })) };
}

function exportExpression(flags: ExportFlags & { expr: string }): Exported {
  if (flags.layer !== undefined || flags.network !== undefined) throw new UsageError('--layer and --network choose from a .cein file; with --expr there is one expression');
  if (flags.shapes === undefined) throw new UsageError('--expr needs --shapes, e.g. --shapes 8x64x32x32,16x64');
  const shapes = parseShapes(flags.shapes);
  const options = planOptions(flags);
  const { analysis, warnings } = analyzeLayer(flags.expr, shapes, options);
  if (warnings.length > 0) process.stderr.write(`${formatProblems(flags.expr, warnings)}\n`);
  const plan = forExpression(flags.expr, () => planAnalysis(analysis, options));
  return { code: generated(() => exportExpressionToTorch(plan, { settings: settingsText(flags) }), flags.expr), summary: planSummary(plan) };
}

async function exportFile(file: string, flags: ExportFlags): Promise<Exported> {
  const stray = EXPRESSION_ONLY.filter((key) => flags[key] !== undefined);
  if (stray.length > 0) throw new UsageError(`${stray.map(flagName).join(', ')} go${stray.length === 1 ? 'es' : ''} with --expr; a .cein file states shapes and options in its layers`);
  const { document } = await loadCeinFile(file);
  const outcome = torchProgramOf(
    document,
    { ...(flags.layer !== undefined ? { layer: flags.layer } : {}), ...(flags.network !== undefined ? { network: flags.network } : {}) },
    { objective: (flags.objective ?? 'training') as Objective, ...(flags.budget !== undefined ? { budgetMs: parsePositive('--budget', flags.budget) } : {}) },
  );
  if ('problem' in outcome) throw new UsageError(/^\d+:\d+:/.test(outcome.problem) ? `${file}:${outcome.problem}` : `${outcome.problem} in ${file}`);
  const program: TorchProgram = outcome.program;
  if (program.layers.length === 0) throw new UsageError(`${file} has no layers to export`);
  return {
    code: generated(() => exportModulesToTorch(program), file),
    summary: { layers: program.layers.map((layer) => ({ name: layer.name, ...planSummary(layer.plan) })), networks: program.networks.map((network) => network.name) },
  };
}

/** The generator's refusals (e.g. a step with more than 52 indices) are bad input: exit 2. */
function generated(work: () => string, where: string): string {
  try {
    return work();
  } catch (e) {
    if (e instanceof ExportError) throw new UsageError(`${where}: ${e.message}`);
    throw e;
  }
}

function settingsText(flags: ExportFlags): string {
  const parts: [string, string | undefined][] = [['--stride', flags.stride], ['--padding', flags.padding], ['--dilation', flags.dilation], ['--padding-mode', flags.paddingMode]];
  return parts.flatMap(([flag, value]) => (value !== undefined ? [`${flag} ${value}`] : [])).join(' ');
}

function flagName(key: keyof ExportFlags): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
