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
