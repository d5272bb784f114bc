/**
 * `cein fit FILE --let NAME --params P ...`: the largest value of a `let` constant for which a
 * layer (or a network, or every layer the constant reaches) meets the budget; see
 * language/fitting/fit.ts for the range and why every value in it is tried.
 */
import { AstUtils } from 'langium';
import { BudgetError, budgetLabel, parseBudgetValue, type Budget, type BudgetKind } from '../../engine/budget-text.js';
import { isExactFigure, f32Bytes, formatCount, formatFigure, formatPercent } from '../../engine/summary.js';
import type { PlanTotals } from '../../engine/totals.js';
import { budgetText, fitConstant, FitError, nearbyCandidates, type Candidate, type FitResult, type FitTarget } from '../../language/fitting/fit.js';
import { isLayer, isNetwork, isSizeConstant, type CeinFile, type SizeConstant, type Statement } from '../../language/generated/ast.js';
import { DEFAULT_EDITOR_SETTINGS } from '../../language/typing/editor-settings.js';
import { parsePositive, parsePositiveInteger, UsageError } from '../arguments.js';
import { loadCeinFile } from '../cein-file.js';
import { formatTable } from '../table.js';

export interface FitFlags {
  readonly let: string;
  readonly params?: string;
  readonly compression?: string;
  readonly flops?: string;
  readonly peak?: string;
  readonly layer?: string;
  readonly network?: string;
  readonly maxValue?: string;
  readonly timeout?: string;
  readonly json?: boolean;
}

const FLAGS: Readonly<Record<BudgetKind, keyof FitFlags>> = { params: 'params', compression: 'compression', flops: 'flops', peakBytes: 'peak' };

export async function fitCommand(file: string, flags: FitFlags): Promise<number> {
  const budget = readBudget(flags);
  const maxValue = flags.maxValue !== undefined ? parsePositiveInteger('--max-value', flags.maxValue) : undefined;
  const timeLimitMs = flags.timeout !== undefined ? parsePositive('--timeout', flags.timeout) * 1000 : undefined;
  const { root } = await loadCeinFile(file);
  const target = findTarget(root, file, flags);
  const constant = findConstant(root, file, flags);
  let result: FitResult;
  try {
    result = await fitConstant({ root, constant, target, budget, settings: DEFAULT_EDITOR_SETTINGS, ...(maxValue ? { maxValue } : {}), ...(timeLimitMs ? { timeLimitMs } : {}) });
  } catch (e) {
    if (e instanceof FitError) throw new UsageError(e.message);
    throw e;
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(fitJson(result), null, 2)}\n`);
  else process.stdout.write(`${fitReport(result)}\n`);
  if (!result.best) {
    process.stderr.write(`error: no value of ${result.name} from 1 to ${lastValue(result)} meets ${budgetText(result.budget)} for ${targetText(result)}\n`);
    return 2;
  }
  return 0;
}

function readBudget(flags: FitFlags): Budget {
  const budget: { -readonly [K in BudgetKind]?: number } = {};
  try {
    for (const [kind, flag] of Object.entries(FLAGS) as [BudgetKind, keyof FitFlags][]) {
      const text = flags[flag];
      if (typeof text === 'string') budget[kind] = parseBudgetValue(kind, `--${flag}`, text);
    }
  } catch (e) {
    if (e instanceof BudgetError) throw new UsageError(e.message);
    throw e;
  }
  if (Object.keys(budget).length === 0) throw new UsageError('give a budget: --params, --compression, --flops or --peak');
  return budget;
}

function findTarget(root: CeinFile, file: string, flags: FitFlags): FitTarget {
  const network = flags.network !== undefined ? root.statements.filter(isNetwork).find((n) => n.name === flags.network) : undefined;
  if (flags.network !== undefined && !network) throw new UsageError(`no network ${flags.network} in ${file}`);
  if (flags.layer === undefined) return network ? { network } : 'reached';
  const statements: readonly Statement[] = (network ?? root).statements;
  const layer = statements.filter(isLayer).find((l) => l.name === flags.layer);
  if (!layer) throw new UsageError(`no layer ${flags.layer} in ${network ? `network ${network.name}` : file}`);
  return { layer };
}

/** The constant named by --let: in the --network block if there is one there, else at the top of the file. */
function findConstant(root: CeinFile, file: string, flags: FitFlags): SizeConstant {
  const all = AstUtils.streamAllContents(root).filter(isSizeConstant).toArray();
  const named = all.filter((c) => c.name === flags.let);
  const inNetwork = named.find((c) => isNetwork(c.$container) && c.$container.name === flags.network);
  const found = inNetwork ?? named.find((c) => c.$container === root) ?? (named.length === 1 ? named[0] : undefined);
  if (found) return found;
  if (named.length > 1) throw new UsageError(`${flags.let} is defined in several networks; name one with --network`);
  const known = [...new Set(all.map((c) => c.name))];
  throw new UsageError(`no constant ${flags.let} in ${file}${known.length > 0 ? ` (its constants: ${known.join(', ')})` : ''}`);
}

function fitReport(result: FitResult): string {
  const lines: string[] = [];
  const { name, best, current } = result;
  if (best) {
    const now = current === undefined ? '' : best.value === current ? ` (as now)` : ` (now ${current})`;
    lines.push(`${name} = ${best.value}${now}: the largest value for which ${targetText(result)} meets ${budgetText(result.budget)}`);
  } else {
    lines.push(`no value of ${name} meets ${budgetText(result.budget)} for ${targetText(result)}`);
  }
  lines.push(`Tried ${name} = 1 to ${lastValue(result)}: ${endText(result)}.`);
  const rows = nearbyCandidates(result).map((c) => [c.value === best?.value ? `${c.value} *` : String(c.value), ...figureCells(c.totals), fitsText(c)]);
  lines.push('', formatTable([name, 'params', 'compression', 'FLOPs', 'peak', 'fits'], rows, '  '));
  return lines.join('\n');
}

function figureCells(totals: PlanTotals | undefined): string[] {
  if (!totals) return ['-', '-', '-', '-'];
  const exact = (figure: Parameters<typeof isExactFigure>[1]) => isExactFigure(totals, figure);
  return [
    formatFigure(totals.params, exact('params')),
    totals.compression === null ? '-' : formatPercent(totals.compression),
    formatFigure(totals.flops, exact('flops')),
    f32Bytes(totals.peakElements, exact('peakElements')),
  ];
}


function fitsText(candidate: Candidate): string {
  if (candidate.problem) return `no: ${candidate.problem}`;
  return candidate.fits ? 'yes' : `no: ${candidate.over.map(budgetLabel).join(', ')}`;
}

function endText(result: FitResult): string {
  switch (result.end) {
    case 'dense':
      return `there the factors reach the dense kernel's ${formatCount(result.denseParams ?? 0)} elements`;
    case 'max-value':
      return `the largest value tried (--max-value)`;
    case 'time':
      return `the scan stopped at the time limit (--timeout); larger values were not tried`;
  }
}

function lastValue(result: FitResult): number {
  return result.candidates.at(-1)?.value ?? 0;
}

function targetText(result: FitResult): string {
  return result.layers.length === 1 ? result.target : `${result.target} together`;
}

function candidateJson(candidate: Candidate): Record<string, unknown> {
  const t = candidate.totals;
  return {
    value: candidate.value,
    fits: candidate.fits,
    over: candidate.over,
    ...(candidate.problem ? { problem: candidate.problem } : {}),
    ...(t
      ? { params: t.params, constElements: t.constElements, denseParams: t.denseParams, compression: t.compression, macs: t.macs, flops: t.flops, peakElements: t.peakElements, peakBytes: t.peakElements * 4, exact: t.exact }
      : {}),
  };
}

function fitJson(result: FitResult): Record<string, unknown> {
  return {
    name: result.name,
    current: result.current ?? null,
    value: result.best?.value ?? null,
    target: result.target,
    layers: result.layers,
    budget: result.budget,
    range: { from: 1, to: lastValue(result), end: result.end },
    nearby: nearbyCandidates(result).map(candidateJson),
    candidates: result.candidates.map(candidateJson),
  };
}
