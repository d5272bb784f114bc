/**
 * Seeded random conv_einsum expressions with shapes and conv options, always valid:
 * every conv output size is at least 1 and reflect/circular padding fits its input.
 *
 * - randomExpression: 2-7 operands (configurable), plain indices of every kind
 *   (batch, contracted, free, reduced), conv indices shared by 2-3 operands with the feature
 *   largest, random stride, dilation, padding (integer, lo:hi, valid, same, full) and mode.
 * - tnnExpression / tnnFamily: tensor-network layers in the style of the paper (TT / TR / CP
 *   cores around a layer input), 3..16 operands and 60, for planner benchmarks.
 *
 * Only plain data and plain functions; no engine code is used to build or check anything.
 */
import type { ConvOptions, ConvOptionsMap, Padding, PaddingMode } from '../../server/src/engine/options.js';
import { seeded } from './random.js';

// ---------------------------------------------------------------------------------------------
// Random choices on top of the seeded generator of random.ts

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi], both included. */
  int(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
}

export function makeRng(seed: number): Rng {
  const next = seeded(seed);
  const rng: Rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
  return rng;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export interface GeneratedExpression {
  /** The expression as a user would type it. */
  readonly text: string;
  /** Index names per operand, in storage order. */
  readonly terms: readonly (readonly string[])[];
  readonly output: readonly string[];
  /** The conv list after "|" (may be empty). */
  readonly convs: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  /** Options per conv index; an index without an entry uses the defaults. */
  readonly conv: ConvOptionsMap;
  /** Where the expression came from, for test names. */
  readonly family: string;
  readonly seed: number;
}

export interface RandomExpressionOptions {
  /** Operand count range, both included (default 2..7). */
  readonly minOperands?: number;
  readonly maxOperands?: number;
  /** Largest size of a plain index (default 4). */
  readonly maxPlainSize?: number;
  /** Largest feature size of a conv index (default 9). */
  readonly maxFeatureSize?: number;
  /** Largest number of conv indices (default 3). */
  readonly maxConvs?: number;
  /** Largest number of plain indices (default 7). */
  readonly maxPlain?: number;
  /** Probability that a conv index listed after "|" is held by a single operand (a warning; default 0). */
  readonly singleOperandConv?: number;
  /** Insert random white space between tokens (default: on with probability 0.3). */
  readonly spaces?: boolean;
}

/** How an index name is written: a letter as itself, a longer name in parentheses. */
export function writeIndex(name: string): string {
  return name.length === 1 ? name : `(${name})`;
}

export function writeTerm(names: readonly string[]): string {
  return names.map(writeIndex).join('');
}

/** Writes an expression; `commaConvs` writes the conv list as "h,w" instead of "hw". */
export function writeExpression(
  terms: readonly (readonly string[])[],
  output: readonly string[],
  convs: readonly string[],
  style: { commaConvs?: boolean; rng?: Rng } = {},
): string {
  const tokens: string[] = [];
  terms.forEach((term, k) => {
    if (k > 0) tokens.push(',');
    tokens.push(...term.map(writeIndex));
  });
  tokens.push('->', ...output.map(writeIndex));
  if (convs.length > 0) {
    tokens.push('|');
    convs.forEach((c, k) => {
      if (k > 0 && style.commaConvs) tokens.push(',');
      tokens.push(writeIndex(c));
    });
  }
  const rng = style.rng;
  if (!rng) return tokens.join('');
  return tokens.map((t) => (rng.chance(0.25) ? ' ' : '') + t + (rng.chance(0.15) ? '  ' : '')).join('');
}

const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const LONG_NAMES = ['r0', 'r1', 'r2', 't1', 't2', 's1', 's2', 'k_1', 'ch', 'x9'];

function distinctNames(rng: Rng, count: number): string[] {
  const pool = rng.shuffle([...LETTERS, ...(rng.chance(0.4) ? LONG_NAMES : [])]);
  return pool.slice(0, count);
}

/** A random subset of size k of 0..n-1, ascending. */
function subset(rng: Rng, n: number, k: number): number[] {
  return rng
    .shuffle(Array.from({ length: n }, (_, i) => i))
    .slice(0, k)
    .sort((a, b) => a - b);
}

/** Padding amounts, written out from docs/semantics.md section 2 (PyTorch's rule for same). */
export function paddingAmounts(padding: Padding, extent: number): { lo: number; hi: number } {
  switch (padding.kind) {
    case 'explicit':
      return { lo: padding.lo, hi: padding.hi };
    case 'valid':
      return { lo: 0, hi: 0 };
    case 'full':
      return { lo: extent - 1, hi: extent - 1 };
    case 'same': {
      const lo = Math.floor((extent - 1) / 2);
      return { lo, hi: extent - 1 - lo };
    }
  }
}

/** Whether conv options give a valid conv for input size I and filter sizes Ks. */
export function convOptionsValid(inputSize: number, filterSizes: readonly number[], options: ConvOptions): boolean {
  const stride = options.stride ?? 1;
  const dilation = options.dilation ?? 1;
  const padding = options.padding ?? { kind: 'same' };
  const mode = options.mode ?? 'zeros';
  if (padding.kind === 'same' && stride !== 1) return false;
  const kTotal = filterSizes.reduce((s, k) => s + k - 1, 0) + 1;
  const extent = dilation * (kTotal - 1) + 1;
  const { lo, hi } = paddingAmounts(padding, extent);
  if (inputSize + lo + hi < extent) return false;
  if (mode === 'reflect' && Math.max(lo, hi) > inputSize - 1) return false;
  if (mode === 'circular' && Math.max(lo, hi) > inputSize) return false;
  return true;
}

/**
 * Random valid options for one conv index; `{}` (stride 1, same, zeros) is always valid and is
 * the fallback.
 */
export function randomConvOptions(rng: Rng, inputSize: number, filterSizes: readonly number[]): ConvOptions {
  if (rng.chance(0.15)) return {};
  for (let attempt = 0; attempt < 30; attempt++) {
    const stride = rng.chance(0.5) ? 1 : rng.int(2, 3);
    const dilation = rng.chance(0.6) ? 1 : rng.int(2, 3);
    const paddingKind = rng.pick(['int', 'pair', 'valid', 'same', 'full', 'default'] as const);
    let padding: Padding | undefined;
    switch (paddingKind) {
      case 'int': {
        const p = rng.int(0, 3);
        padding = { kind: 'explicit', lo: p, hi: p };
        break;
      }
      case 'pair':
        padding = { kind: 'explicit', lo: rng.int(0, 3), hi: rng.int(0, 3) };
        break;
      case 'valid':
      case 'full':
      case 'same':
        padding = { kind: paddingKind };
        break;
      case 'default':
        padding = undefined;
        break;
    }
    const mode: PaddingMode | undefined = rng.chance(0.3) ? undefined : rng.pick(['zeros', 'circular', 'reflect', 'replicate'] as const);
    const options: ConvOptions = {
      ...(stride !== 1 || rng.chance(0.3) ? { stride } : {}),
      ...(dilation !== 1 || rng.chance(0.3) ? { dilation } : {}),
      ...(padding ? { padding } : {}),
      ...(mode ? { mode } : {}),
    };
    if (convOptionsValid(inputSize, filterSizes, options)) return options;
  }
  return {};
}

/** A random valid expression with 2-7 operands (by default). */
export function randomExpression(seed: number, options: RandomExpressionOptions = {}): GeneratedExpression {
  const rng = makeRng(seed * 7919 + 17);
  const n = rng.int(options.minOperands ?? 2, options.maxOperands ?? 7);
  const maxPlainSize = options.maxPlainSize ?? 4;
  const maxFeature = options.maxFeatureSize ?? 9;
  const convCount = rng.int(0, options.maxConvs ?? 3);
  const plainCount = rng.int(1, options.maxPlain ?? 7);
  const names = distinctNames(rng, convCount + plainCount + n);

  // Per operand, a list of (name, size).
  const holdings: { name: string; size: number }[][] = Array.from({ length: n }, () => []);
  const output: string[] = [];
  const convs: string[] = [];
  const conv: Record<string, ConvOptions> = {};
  let used = 0;

  for (let c = 0; c < convCount; c++) {
    const name = names[used++]!;
    convs.push(name);
    if (rng.chance(options.singleOperandConv ?? 0)) {
      const k = rng.int(0, n - 1);
      holdings[k]!.push({ name, size: rng.int(1, maxPlainSize) });
      if (rng.chance(0.5)) output.push(name);
      continue;
    }
    const holders = subset(rng, n, rng.int(2, Math.min(3, n)));
    const feature = rng.pick(holders);
    const inputSize = rng.int(2, maxFeature);
    const filterSizes: number[] = [];
    for (const k of holders) {
      if (k === feature) {
        holdings[k]!.push({ name, size: inputSize });
      } else {
        // Mostly smaller than the feature; an equal size sometimes (ties go to the leftmost).
        const size = rng.chance(0.1) ? inputSize : rng.int(1, Math.min(inputSize, 4));
        filterSizes.push(size);
        holdings[k]!.push({ name, size });
      }
    }
    if (rng.chance(0.85)) output.push(name);
    const largest = Math.max(...holders.map((k) => holdings[k]!.find((h) => h.name === name)!.size));
    const actualFilters = holders
      .map((k) => holdings[k]!.find((h) => h.name === name)!.size)
      .filter((_, i, all) => i !== all.indexOf(largest));
    const opts = randomConvOptions(rng, largest, actualFilters);
    if (Object.keys(opts).length > 0 || rng.chance(0.5)) conv[name] = opts;
  }

  for (let p = 0; p < plainCount; p++) {
    const name = names[used++]!;
    const size = rng.chance(0.1) ? 1 : rng.int(2, maxPlainSize);
    // Holder count: 1 (free/reduced) or 2..n (batch/contracted), biased to 2.
    const r = rng.next();
    const count = r < 0.3 ? 1 : r < 0.8 ? Math.min(2, n) : rng.int(2, n);
    for (const k of subset(rng, n, count)) holdings[k]!.push({ name, size });
    const pOut = count === 1 ? 0.6 : 0.4;
    if (rng.chance(pOut)) output.push(name);
  }

  // Every operand holds at least one index.
  for (let k = 0; k < n; k++) {
    if (holdings[k]!.length === 0) {
      const name = names[used++]!;
      holdings[k]!.push({ name, size: rng.int(1, maxPlainSize) });
      if (rng.chance(0.5)) output.push(name);
    }
  }

  const orders = holdings.map((h) => rng.shuffle(h));
  const terms = orders.map((h) => h.map((x) => x.name));
  const shapes = orders.map((h) => h.map((x) => x.size));
  const out = rng.shuffle(output);
  const convList = rng.shuffle(convs);
  const spaces = options.spaces ?? rng.chance(0.3);
  const text = writeExpression(terms, out, convList, { commaConvs: rng.chance(0.5), ...(spaces ? { rng } : {}) });
  return { text, terms, output: out, convs: convList, shapes, conv, family: 'random', seed };
}

/** `count` random expressions from consecutive seeds starting at `firstSeed`. */
export function randomExpressions(count: number, firstSeed: number, options: RandomExpressionOptions = {}): GeneratedExpression[] {
  return Array.from({ length: count }, (_, i) => randomExpression(firstSeed + i, options));
}

// ---------------------------------------------------------------------------------------------
// TNN-like layers

export interface TnnOptions {
  /** Network structure of the cores (default: picked from the seed). */
  readonly structure?: 'tt' | 'tr' | 'cp';
  /** Random valid stride/dilation/padding for h and w (default false: same padding). */
  readonly randomConvOptions?: boolean;
  readonly batch?: number;
  readonly spatial?: number;
}

/**
 * A tensorial conv layer with `operands` operands (>= 3): operand 0 is the layer input
 * X[b (s1)..(sp) h w]; the others are cores holding one mode each ((s_i), (t_j), h or w) plus
 * rank indices: a chain (TT), a ring (TR) or one shared rank r (CP). With many operands, extra
 * cores are further h/w filters (multi-way convolution) or rank-only matrices. Channel modes
 * have size 2, ranks 2-4, kernels 2-3, spatial size 8 by default.
 */
export function tnnExpression(operands: number, seed: number, options: TnnOptions = {}): GeneratedExpression {
  if (operands < 3) throw new Error('a TNN layer needs at least 3 operands');
  const rng = makeRng(seed * 104729 + operands);
  const structure = options.structure ?? rng.pick(['tt', 'tr', 'cp'] as const);
  const cores = operands - 1;
  const batch = options.batch ?? 2;
  const spatial = options.spatial ?? 8;

  // Modes: p input modes, q output modes (at most 6 each), h and w; extra cores beyond that are
  // extra filters along h/w or rank-only cores.
  const channelModes = Math.max(0, Math.min(12, cores - 2));
  const p = Math.max(1, Math.ceil(channelModes / 2));
  const q = Math.max(1, channelModes - p);
  type Mode = { name: string; size: number; kind: 's' | 't' | 'h' | 'w' | 'rank' };
  const modes: Mode[] = [];
  for (let i = 1; i <= p; i++) modes.push({ name: `s${i}`, size: 2, kind: 's' });
  for (let j = 1; j <= q; j++) modes.push({ name: `t${j}`, size: 2, kind: 't' });
  modes.push({ name: 'h', size: rng.int(2, 3), kind: 'h' }, { name: 'w', size: rng.int(2, 3), kind: 'w' });
  // When cores < p+q+2 (3 operands), several modes share a core.
  const extra = cores - modes.length;
  for (let e = 0; e < extra; e++) {
    const kind = (['h', 'w', 'rank'] as const)[e % 3]!;
    modes.push(kind === 'rank' ? { name: '', size: 1, kind } : { name: kind, size: 2, kind });
  }
  const coreModes: Mode[][] = Array.from({ length: cores }, () => []);
  const order = rng.shuffle(modes.map((_, i) => i));
  order.forEach((m, i) => coreModes[i % cores]!.push(modes[m]!));

  const terms: string[][] = [];
  const shapes: number[][] = [];
  const inputModes = modes.filter((m) => m.kind === 's');
  terms.push(['b', ...inputModes.map((m) => m.name), 'h', 'w']);
  shapes.push([batch, ...inputModes.map((m) => m.size), spatial, spatial]);

  const rankSize = Array.from({ length: cores + 1 }, () => rng.int(2, 4));
  coreModes.forEach((ms, i) => {
    const names: string[] = [];
    const sizes: number[] = [];
    if (structure === 'cp') {
      names.push('r');
      sizes.push(rankSize[0]!);
    } else {
      const left = i;
      const right = structure === 'tr' ? (i + 1) % cores : i + 1;
      if (structure === 'tr' || i > 0) {
        names.push(`r${left}`);
        sizes.push(rankSize[left]!);
      }
      if (structure === 'tr' ? cores > 1 : i < cores - 1) {
        if (!names.includes(`r${right}`)) {
          names.push(`r${right}`);
          sizes.push(rankSize[right]!);
        }
      }
    }
    for (const m of ms) {
      if (m.kind === 'rank' || names.includes(m.name)) continue;
      names.push(m.name);
      sizes.push(m.size);
    }
    if (names.length === 0) {
      // A CP/TT end core that drew only a repeated mode: give it the rank so it is connected.
      names.push(structure === 'cp' ? 'r' : `r${i}`);
      sizes.push(rankSize[structure === 'cp' ? 0 : i]!);
    }
    terms.push(names);
    shapes.push(sizes);
  });

  const output = ['b', ...modes.filter((m) => m.kind === 't').map((m) => m.name), 'h', 'w'];
  const convs = ['h', 'w'];
  const conv: Record<string, ConvOptions> = {};
  if (options.randomConvOptions) {
    for (const c of convs) {
      const filterSizes = terms.slice(1).flatMap((t, k) => (t.includes(c) ? [shapes[k + 1]![t.indexOf(c)]!] : []));
      conv[c] = randomConvOptions(rng, spatial, filterSizes);
    }
  }
  const text = writeExpression(terms, output, convs);
  return { text, terms, output, convs, shapes, conv, family: `tnn-${structure}-${operands}`, seed };
}

/** The benchmark family: TNN layers with 3..16 operands and one with 60. */
export function tnnFamily(seed = 1, options: TnnOptions = {}): GeneratedExpression[] {
  const counts = [...Array.from({ length: 14 }, (_, i) => i + 3), 60];
  return counts.map((n) => tnnExpression(n, seed, options));
}
