/**
 * The heuristic search for expressions beyond the exact search's reach, or when its time runs
 * out: randomized greedy contraction, as opt_einsum's greedy and random-greedy paths.
 */
import type { Network, TensorState } from './network.js';
import type { PlanTree } from './plan.js';
import { seededRandom } from './random.js';
import { checkCancel, OutOfTimeError, stepCost, type SearchOptions } from './search.js';

interface Node {
  readonly tree: PlanTree;
  readonly state: TensorState;
  readonly elements: number;
}

interface Candidate {
  readonly a: Node;
  readonly b: Node;
  readonly merged: TensorState;
  readonly elements: number;
  /** Pairs that share no index (outer products) come last. */
  readonly outer: boolean;
  readonly score: number;
}

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
  const checkTime = () => {
    if (performance.now() > deadline) throw new OutOfTimeError();
  };
  const leafNodes: Node[] = operands.map((k) => ({ tree: { leaf: k }, state: net.leaves[k]!, elements: net.elementsOf(net.leaves[k]!) }));
  const live = new Set<Node>(leafNodes);
  const candidates = new Map<Node, Candidate[]>();
  const consider = (a: Node, b: Node): Candidate => {
    const merged = net.merge(a.state, b.state);
    const elements = net.elementsOf(merged);
    const key = bySize ? elements - a.elements - b.elements : stepCost(net, options.objective, a.state, b.state, merged);
    const noise = temperature > 0 ? Math.exp(temperature * (2 * random() - 1)) : 1;
    return { a, b, merged, elements, outer: !sharesIndex(a.state, b.state), score: key >= 0 ? key * noise : key / noise };
  };
  for (let i = 0; i < leafNodes.length; i++) {
    checkTime();
    candidates.set(leafNodes[i]!, leafNodes.slice(i + 1).map((b) => consider(leafNodes[i]!, b)));
  }
  while (live.size > 1) {
    checkTime();
    const last = live.size === 2;
    let best: Candidate | null = null;
    for (const list of candidates.values()) {
      for (const c of list) {
        if (!live.has(c.a) || !live.has(c.b)) continue;
        if (!last && c.elements > options.memoryCap) continue;
        if (!best || better(c, best)) best = c;
      }
    }
    if (!best) return null;
    live.delete(best.a);
    live.delete(best.b);
    candidates.delete(best.a);
    candidates.delete(best.b);
    const node: Node = { tree: { left: best.a.tree, right: best.b.tree }, state: best.merged, elements: best.elements };
    candidates.set(node, [...live].map((other) => consider(node, other)));
    live.add(node);
  }
  return [...live][0]!.tree;
}

function better(x: Candidate, y: Candidate): boolean {
  if (x.outer !== y.outer) return !x.outer;
  return x.score < y.score;
}

function sharesIndex(a: TensorState, b: TensorState): boolean {
  let i = 0;
  let j = 0;
  while (i < a.ids.length && j < b.ids.length) {
    if (a.ids[i] === b.ids[j]) return true;
    if (a.ids[i]! < b.ids[j]!) i++;
    else j++;
  }
  return false;
}
