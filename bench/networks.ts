/**
 * Random TNN-like layers for planner benchmarks: an input b(s0..)hw and weight cores joined
 * by rank indices (a chain plus random extra edges, as TT/TR/HT-style networks are), each core
 * owning an input mode, an output mode or a conv filter.
 */
import { formatIndex } from '../server/src/engine/notation.js';
import { seededRandom } from '../server/src/runtime/random.js';

export interface BenchLayer {
  readonly expression: string;
  readonly shapes: number[][];
}

export function randomTnnLayer(operands: number, seed: number): BenchLayer {
  const random = seededRandom(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const cores = operands - 1;
  const terms: string[][] = Array.from({ length: cores }, () => []);
  const sizes: number[][] = Array.from({ length: cores }, () => []);
  const input: string[] = ['b'];
  const inputShape: number[] = [pick(8, 64)];
  const output: string[] = ['b'];

  // Rank indices: a chain through all cores, plus extra edges (rings, shortcuts).
  let rank = 0;
  const link = (i: number, j: number) => {
    const name = `r${rank++}`;
    const size = pick(2, 12);
    terms[i]!.push(name);
    sizes[i]!.push(size);
    terms[j]!.push(name);
    sizes[j]!.push(size);
  };
  for (let i = 1; i < cores; i++) link(pick(0, i - 1), i);
  for (let e = 0; e < Math.floor(cores / 3); e++) {
    const i = pick(0, cores - 1);
    const j = pick(0, cores - 1);
    if (i !== j) link(i, j);
  }
  // Conv filters on two cores (when there are at least three), modes on the rest.
  const convCores = cores >= 3 ? [0, 1].map(() => pick(0, cores - 1)) : [];
  ['h', 'w'].forEach((c, k) => {
    if (convCores[k] === undefined) return;
    terms[convCores[k]!]!.push(c);
    sizes[convCores[k]!]!.push(3);
  });
  for (let i = 0; i < cores; i++) {
    if (random() < 0.6 || terms[i]!.length <= 1) {
      const s = `s${i}`;
      const size = pick(2, 8);
      terms[i]!.push(s);
      sizes[i]!.push(size);
      input.push(s);
      inputShape.push(size);
    }
    if (random() < 0.6) {
      const t = `t${i}`;
      terms[i]!.push(t);
      sizes[i]!.push(pick(2, 8));
      output.push(t);
    }
  }
  const conv = convCores.length > 0;
  if (conv) {
    input.push('h', 'w');
    inputShape.push(16, 16);
    output.push('h', 'w');
  }
  const term = (names: readonly string[]) => names.map(formatIndex).join('');
  const expression = `${[input, ...terms].map(term).join(',')}->${term(output)}${conv ? '|hw' : ''}`;
  return { expression, shapes: [inputShape, ...sizes] };
}

/** A network of factors with named families, for the planner benchmark and the planner's tests. */
export interface FactorNetwork extends BenchLayer {
  readonly family: string;
}

const join = (terms: readonly (readonly string[])[], output: readonly string[]) =>
  `${terms.map((t) => t.map(formatIndex).join('')).join(',')}->${output.map(formatIndex).join('')}`;

/** The matrix-chain problem: A0[i0 i1] A1[i1 i2] ... -> [i0 in], dimensions drawn from lo..hi. */
export function matrixChain(n: number, seed: number, lo = 2, hi = 50): FactorNetwork & { readonly dims: readonly number[] } {
  const random = seededRandom(seed);
  const dims = Array.from({ length: n + 1 }, () => lo + Math.floor(random() * (hi - lo + 1)));
  const terms = Array.from({ length: n }, (_, i) => [`i${i}`, `i${i + 1}`]);
  return { family: 'chain', expression: join(terms, ['i0', `i${n}`]), shapes: terms.map((_, i) => [dims[i]!, dims[i + 1]!]), dims };
}

/**
 * A tensor ring of n cores: core k holds ranks r_k and r_(k+1 mod n) (sizes 2-8) and a mode o_k
 * (size 2-4); the modes of every fourth core stay open (at most 8), the others are summed.
 */
export function factorRing(n: number, seed: number): FactorNetwork {
  const random = seededRandom(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const ranks = Array.from({ length: n }, () => pick(2, 8));
  const terms: string[][] = [];
  const shapes: number[][] = [];
  const output: string[] = [];
  for (let k = 0; k < n; k++) {
    terms.push([`r${k}`, `o${k}`, `r${(k + 1) % n}`]);
    shapes.push([ranks[k]!, pick(2, 4), ranks[(k + 1) % n]!]);
    if (k % 4 === 0 && output.length < 8) output.push(`o${k}`);
  }
  return { family: 'ring', expression: join(terms, output), shapes };
}

/**
 * A hierarchical (binary-tree) network of n factors in heap order: factor k > 0 joins its parent
 * (k - 1) / 2 by e_k (size 2-8); every factor holds a mode o_k (size 2-4), open on every fourth
 * leaf (at most 8), summed elsewhere.
 */
export function factorTree(n: number, seed: number): FactorNetwork {
  const random = seededRandom(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const terms: string[][] = Array.from({ length: n }, (_, k) => [`o${k}`]);
  const shapes: number[][] = Array.from({ length: n }, () => [pick(2, 4)]);
  for (let k = 1; k < n; k++) {
    const size = pick(2, 8);
    const parent = (k - 1) >> 1;
    terms[parent]!.push(`e${k}`);
    shapes[parent]!.push(size);
    terms[k]!.push(`e${k}`);
    shapes[k]!.push(size);
  }
  const output: string[] = [];
  for (let k = 0; k < n; k++) if (2 * k + 1 >= n && k % 4 === 0 && output.length < 8) output.push(`o${k}`);
  return { family: 'tree', expression: join(terms, output), shapes };
}

/**
 * A random 3-regular network of n tensors (n even), as opt_einsum's benchmarks use: each tensor
 * holds three bond indices (sizes 2-4) from a random pairing of half-edges (redrawn until no bond
 * joins a tensor to itself; two bonds may join the same pair); the result is a scalar.
 */
export function randomRegular(n: number, seed: number): FactorNetwork {
  const random = seededRandom(seed);
  for (;;) {
    const stubs = Array.from({ length: 3 * n }, (_, i) => Math.floor(i / 3));
    for (let i = stubs.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [stubs[i], stubs[j]] = [stubs[j]!, stubs[i]!];
    }
    const terms: string[][] = Array.from({ length: n }, () => []);
    const shapes: number[][] = Array.from({ length: n }, () => []);
    let loop = false;
    for (let e = 0; e < stubs.length / 2; e++) {
      const a = stubs[2 * e]!;
      const b = stubs[2 * e + 1]!;
      if (a === b) loop = true;
      const size = 2 + Math.floor(random() * 3);
      terms[a]!.push(`b${e}`);
      shapes[a]!.push(size);
      terms[b]!.push(`b${e}`);
      shapes[b]!.push(size);
    }
    if (!loop) return { family: 'regular3', expression: join(terms, []), shapes };
  }
}
