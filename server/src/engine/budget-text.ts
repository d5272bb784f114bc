/**
 * Budgets for fitting a size to a design target, as people write them: `200k params`,
 * `10%` (compression), `1G FLOPs`, `64 MiB peak`. The CLI (`cein fit --params 200k`) and the
 * editor's input box read them here, so both accept the same syntax. No Node imports: the
 * client bundle uses this module too.
 */

/** Upper bounds a layer (or a sum of layers) must meet; a missing one is no bound. */
export interface Budget {
  /** Parameters (elements of the factors that need a gradient). */
  readonly params?: number;
  /** params / dense kernel elements, in (0, 1]. */
  readonly compression?: number;
  /** FLOPs of the chosen plan (2 x MACs). */
  readonly flops?: number;
  /** Peak live elements x 4 bytes (f32). */
  readonly peakBytes?: number;
}

export type BudgetKind = keyof Budget;

export const BUDGET_KINDS: readonly BudgetKind[] = ['params', 'compression', 'flops', 'peakBytes'];

export class BudgetError extends Error {
  override name = 'BudgetError';
}

const COUNT_SUFFIXES: Readonly<Record<string, number>> = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6, g: 1e9, G: 1e9, t: 1e12, T: 1e12 };

const BYTE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
};

const NUMBER = String.raw`(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?`;

function numberOf(mantissa: string, exponent: string | undefined): number {
  return Number(`${mantissa}${exponent !== undefined ? `e${exponent}` : ''}`);
}

/** "200k", "1.5M", "3e9": a positive count. */
export function parseCount(what: string, text: string): number {
  const match = new RegExp(`^\\s*${NUMBER}\\s*([kKmMgGtT]?)\\s*$`).exec(text);
  const value = match ? numberOf(match[1]!, match[2]) * COUNT_SUFFIXES[match[3]!]! : NaN;
  if (!match || !Number.isFinite(value) || value <= 0) throw new BudgetError(`${what} "${text}" must be a positive number, optionally with k, M, G or T (e.g. 200k)`);
  return value;
}

/** "0.1" or "10%": a fraction in (0, 1]. */
export function parseCompression(what: string, text: string): number {
  const match = new RegExp(`^\\s*${NUMBER}\\s*(%?)\\s*$`).exec(text);
  const value = match ? numberOf(match[1]!, match[2]) / (match[3] ? 100 : 1) : NaN;
  if (!match || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw new BudgetError(`${what} "${text}" must be a fraction of the dense kernel above 0 and at most 1 (e.g. 0.1 or 10%)`);
  }
  return value;
}

/** "64MiB", "1.5 GiB", "4096": positive bytes (KiB, MiB, GiB, TiB; kB, MB, GB, TB). */
export function parseBytes(what: string, text: string): number {
  const match = new RegExp(`^\\s*${NUMBER}\\s*([a-zA-Z]*)\\s*$`).exec(text);
  const unit = match ? (match[3] === '' ? 1 : BYTE_UNITS[match[3]!.toLowerCase()]) : undefined;
  const value = match && unit !== undefined ? numberOf(match[1]!, match[2]) * unit : NaN;
  if (!Number.isFinite(value) || value <= 0) throw new BudgetError(`${what} "${text}" must be a positive number of bytes, optionally with KiB, MiB, GiB or TiB (e.g. 64MiB)`);
  return value;
}

/** Kind words the free-text form accepts, singular or plural, any case. */
const KIND_WORDS: Readonly<Record<string, BudgetKind>> = {
  param: 'params',
  params: 'params',
  parameter: 'params',
  parameters: 'params',
  compression: 'compression',
  flop: 'flops',
  flops: 'flops',
  peak: 'peakBytes',
  memory: 'peakBytes',
};

const KIND_LABELS: Readonly<Record<BudgetKind, string>> = { params: 'params', compression: 'compression', flops: 'FLOPs', peakBytes: 'peak' };

/** A bound read from one flag or one item of the free-text form. */
export function parseBudgetValue(kind: BudgetKind, what: string, text: string): number {
  switch (kind) {
    case 'params':
    case 'flops':
      return parseCount(what, text);
    case 'compression':
      return parseCompression(what, text);
    case 'peakBytes':
      return parseBytes(what, text);
  }
}

/**
 * The free-text form: bounds separated by commas (or "and"), each a number with its kind,
 * e.g. "200k params", "10%", "1G FLOPs, 64 MiB peak", "params <= 200k". A percentage is a
 * compression and a byte unit a peak, so those need no kind word.
 */
export function parseBudgetText(text: string): Budget {
  const items = text.split(/,|\band\b/i).map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) throw new BudgetError('give a budget, e.g. "200k params", "10%", "1G FLOPs" or "64 MiB peak"');
  const budget: { -readonly [K in BudgetKind]?: number } = {};
  for (const item of items) {
    const [kind, value] = readItem(item);
    if (budget[kind] !== undefined) throw new BudgetError(`"${text}" gives a ${KIND_LABELS[kind]} budget twice`);
    budget[kind] = parseBudgetValue(kind, `${KIND_LABELS[kind]} budget`, value);
  }
  return budget;
}

function readItem(item: string): [BudgetKind, string] {
  const words = item.replace(/<=|≤|</g, ' ').trim().split(/\s+/);
  const kinds = words.filter((w) => KIND_WORDS[w.toLowerCase()] !== undefined);
  if (kinds.length > 1) throw new BudgetError(`"${item}" names more than one kind of budget; separate them with commas`);
  const value = words.filter((w) => KIND_WORDS[w.toLowerCase()] === undefined).join('');
  if (kinds.length === 1) return [KIND_WORDS[kinds[0]!.toLowerCase()]!, value];
  if (/%$/.test(value)) return ['compression', value];
  if (/\d\s*[a-zA-Z]*[bB]$/.test(value)) return ['peakBytes', value];
  throw new BudgetError(`"${item}" does not say what it bounds: write e.g. "200k params", "10%" (compression), "1G FLOPs" or "64 MiB peak"`);
}

/** Checks a budget that came from elsewhere (e.g. over the wire): at least one bound, each in range. */
export function checkBudget(value: unknown): Budget {
  if (typeof value !== 'object' || value === null) throw new BudgetError('the budget must be an object such as { "params": 200000 }');
  const given = value as Record<string, unknown>;
  const budget: { -readonly [K in BudgetKind]?: number } = {};
  for (const kind of BUDGET_KINDS) {
    const bound = given[kind];
    if (bound === undefined) continue;
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= 0 || (kind === 'compression' && bound > 1)) {
      throw new BudgetError(`the ${KIND_LABELS[kind]} budget ${String(bound)} is out of range`);
    }
    budget[kind] = bound;
  }
  if (Object.keys(budget).length === 0) throw new BudgetError('the budget bounds nothing: give params, compression, FLOPs or peak');
  return budget;
}

/** "params ≤ 200,000" style phrase per bound, for messages: the caller formats the numbers. */
export function budgetLabel(kind: BudgetKind): string {
  return KIND_LABELS[kind];
}
