/**
 * The heuristic search for expressions beyond the exact search's reach, or when its time runs
 * out: randomized greedy contraction, as opt_einsum's greedy and random-greedy paths.
 */
import { FlatStates } from './flat-states.js';
import type { Network } from './network.js';
import type { PlanTree } from './plan.js';
import { seededRandom } from './random.js';
import { checkCancel, OutOfTimeError, type SearchOptions } from './search.js';

export interface GreedyLimits {
  /** At most this many trials (default: no limit). */
  readonly trials?: number;
  /** No trial starts after this time (performance.now()); default: the search's deadline. */
  readonly lastStart?: number;
  /** Trials run to their end, deadline or not, until one gives a tree: there is nothing else to fall back on. */
  readonly needsTree?: boolean;
}

/**
 * Greedy: repeatedly contract the pair with the cheapest step (pairs that share an index
 * first), as opt_einsum's greedy does; for the memory objective the pair that grows storage
 * least. Later trials perturb the scores at random, and `value` picks the best tree of all
 * trials. A trial still running at the search's deadline is abandoned, so with no time left
 * the answer is null (unless `needsTree`).
 */
export function greedySearch(
  net: Network,
  operands: readonly number[],
  options: SearchOptions,
  value: (tree: PlanTree) => number,
  limits: GreedyLimits = {},
): PlanTree | null {
  const { trials = Infinity, lastStart = options.deadline, needsTree = false } = limits;
  const random = seededRandom(0x5eed);
  let bestTree: PlanTree | null = null;
  let bestValue = Infinity;
  for (let trial = 0; trial < trials; trial++) {
    checkCancel(options.signal);
    // Trials alternate between two scores: the step's cost, and how much storage it adds
    // (opt_einsum's default); the first two are deterministic, later ones perturbed.
    const bySize = options.objective === 'memory' || trial % 2 === 1;
    const temperature = trial < 2 ? 0 : 0.3 + random();
    const deadline = needsTree && !bestTree ? Infinity : options.deadline;
    let tree: PlanTree | null;
    try {
      tree = greedyTrial(net, operands, options, deadline, bySize, temperature, random);
    } catch (e) {
      if (e instanceof OutOfTimeError) break;
      throw e;
    }
    const v = tree ? value(tree) : Infinity;
    if (tree && v < bestValue) {
      bestValue = v;
      bestTree = tree;
    }
    if (performance.now() > lastStart) break;
  }
  return bestTree;
}

/** One greedy run; throws OutOfTimeError past the deadline. */
function greedyTrial(net: Network, operands: readonly number[], options: SearchOptions, deadline: number, bySize: boolean, temperature: number, random: () => number): PlanTree | null {
  const n = operands.length;
  if (n === 1) return { leaf: operands[0]! };
  // Tensors 0..n-1 are the operands, n.. the merged ones; the last id is scratch for weighing a pair.
  const scratch = 2 * n - 1;
  const states = new FlatStates(net, 2 * n);
  const trees: PlanTree[] = operands.map((k) => ({ leaf: k }));
  const alive = new Uint8Array(2 * n);
  operands.forEach((k, j) => {
    states.setLeaf(j, k);
    alive[j] = 1;
  });
  const heap = new CandidateHeap();
  const consider = (a: number, b: number): void => {
    states.setUnion(scratch, a, b);
    const elements = states.elements[scratch]!;
    const key = bySize ? elements - states.elements[a]! - states.elements[b]! : states.stepCost(options.objective, a, b, scratch);
    const noise = temperature > 0 ? Math.exp(temperature * (2 * random() - 1)) : 1;
    heap.push(a, b, !states.shares(a, b), key >= 0 ? key * noise : key / noise, elements);
  };
  for (let i = 0; i < n; i++) {
    if (performance.now() > deadline) throw new OutOfTimeError();
    for (let j = i + 1; j < n; j++) consider(i, j);
  }
  let next = n;
  for (let live = n; live > 2; live--) {
    if ((live & 15) === 0 && performance.now() > deadline) throw new OutOfTimeError();
    let picked = -1;
    while (heap.size > 0) {
      const c = heap.pop();
      if (alive[heap.a[c]!] && alive[heap.b[c]!] && heap.elements[c]! <= options.memoryCap) {
        picked = c;
        break;
      }
    }
    if (picked < 0) return null;
    const a = heap.a[picked]!;
    const b = heap.b[picked]!;
    const u = next++;
    states.setUnion(u, a, b);
    trees[u] = { left: trees[a]!, right: trees[b]! };
    alive[a] = 0;
    alive[b] = 0;
    alive[u] = 1;
    for (let other = 0; other < u; other++) if (alive[other]) consider(u, other);
  }
  // The last step makes the output, which the memory cap exempts.
  const last: number[] = [];
  for (let id = 0; id < next; id++) if (alive[id]) last.push(id);
  return { left: trees[last[0]!]!, right: trees[last[1]!]! };
}

/**
 * Candidate pairs in flat arrays, as a binary heap: pairs that share an index before outer
 * products, then the lowest score.
 */
class CandidateHeap {
  a = new Int32Array(64);
  b = new Int32Array(64);
  outer = new Uint8Array(64);
  score = new Float64Array(64);
  elements = new Float64Array(64);
  private order = new Int32Array(64);
  private count = 0;
  size = 0;

  push(a: number, b: number, outer: boolean, score: number, elements: number): void {
    if (this.count === this.a.length) this.grow();
    const c = this.count++;
    this.a[c] = a;
    this.b[c] = b;
    this.outer[c] = outer ? 1 : 0;
    this.score[c] = score;
    this.elements[c] = elements;
    let at = this.size++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(c, this.order[parent]!)) break;
      this.order[at] = this.order[parent]!;
      at = parent;
    }
    this.order[at] = c;
  }

  /** Removes the best candidate and returns its index into the arrays. */
  pop(): number {
    const top = this.order[0]!;
    const last = this.order[--this.size]!;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.before(this.order[child + 1]!, this.order[child]!)) child++;
      if (!this.before(this.order[child]!, last)) break;
      this.order[at] = this.order[child]!;
      at = child;
    }
    if (this.size > 0) this.order[at] = last;
    return top;
  }

  private before(x: number, y: number): boolean {
    if (this.outer[x] !== this.outer[y]) return this.outer[x] === 0;
    return this.score[x]! < this.score[y]!;
  }

  private grow(): void {
    const capacity = this.a.length * 2;
    const widen = <T extends Int32Array | Uint8Array | Float64Array>(array: T, make: (size: number) => T): T => {
      const grown = make(capacity);
      grown.set(array);
      return grown;
    };
    this.a = widen(this.a, (k) => new Int32Array(k));
    this.b = widen(this.b, (k) => new Int32Array(k));
    this.outer = widen(this.outer, (k) => new Uint8Array(k));
    this.score = widen(this.score, (k) => new Float64Array(k));
    this.elements = widen(this.elements, (k) => new Float64Array(k));
    this.order = widen(this.order, (k) => new Int32Array(k));
  }
}
