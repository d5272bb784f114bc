/**
 * The planner's entry points: plan an expression (best tree for an objective) or describe a
 * given tree, with the baselines and figures every plan reports (docs/semantics.md sections 3-4).
 */
import { designNumbers } from './design.js';
import { exactness } from './exact.js';
import { Network } from './network.js';
import type { ConvOptionsMap, Objective } from './options.js';
import { connectedSearch, DEFAULT_CONNECTED_LIMITS, type ConnectedResult } from './connected.js';
import type { Optimality, Plan, PlanTree } from './plan.js';
import { EngineError, error } from './problems.js';
import { greedySearch } from './greedy.js';
import { reconfigure } from './reconfigure.js';
import { exactSearch, OutOfTimeError, type ExactResult, type SearchOptions } from './search.js';
import { analyzeOrThrow, type Analysis } from './shapes.js';
import { describeTree, leftToRightTree, orderForPeak } from './tree.js';

export interface PlanOptions {
  readonly conv?: ConvOptionsMap;
  readonly objective?: Objective;
  /** Largest intermediate allowed, in elements. */
  readonly memoryCap?: number;
  /** Per operand; default: every operand requires a gradient. */
  readonly requiresGrad?: readonly boolean[];
  /**
   * The data operands (the layer's inputs); the others are factors, whose contraction is the dense
   * kernel of the rebuilt-kernel baseline and the design numbers. Default: the operand that is the
   * feature along every conv index; with no conv index, operand 0.
   */
  readonly dataOperands?: readonly number[];
  /** Exact search over all trees (the subset DP) up to this many operands. */
  readonly exactLimit?: number;
  /**
   * Past exactLimit (or when the subset DP runs out of time), the exact search over trees without
   * outer products, while the operands' connected subgraphs fit its limits; default true.
   */
  readonly connectedSearch?: boolean;
  /** Improve a heuristic tree by subtree reconfiguration (flops and training; default true). */
  readonly reconfigure?: boolean;
  /** Time budget for the search in ms; past it the best heuristic tree so far is returned. */
  readonly budgetMs?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_EXACT_LIMIT = 14;
export const DEFAULT_BUDGET_MS = 2000;
/** Time the heuristic spends improving its first tree by randomized restarts. */
const HEURISTIC_MS = 60;

export function planExpression(text: string, shapes: readonly (readonly number[])[], options: PlanOptions = {}): Plan {
  const key = cacheKey(text, shapes, options);
  const cached = planCache.get(key);
  if (cached) {
    planCache.delete(key);
    planCache.set(key, cached);
    return cached;
  }
  const plan = planAnalysis(analyzeOrThrow(text, shapes, options.conv ?? {}), options);
  planCache.set(key, plan);
  if (planCache.size > CACHE_SIZE) planCache.delete(planCache.keys().next().value!);
  return plan;
}

/** The plan of a given tree, with the same figures as planExpression. */
export function planFromTree(text: string, shapes: readonly (readonly number[])[], tree: PlanTree, options: PlanOptions = {}): Plan {
  const analysis = analyzeOrThrow(text, shapes, options.conv ?? {});
  checkTreeLeaves(tree, analysis.terms.length);
  const net = new Network(analysis, options.requiresGrad);
  const started = performance.now();
  return assemble(net, tree, null, options, started, started + (options.budgetMs ?? DEFAULT_BUDGET_MS));
}

/** A tree must hold every operand exactly once. */
function checkTreeLeaves(tree: PlanTree, operandCount: number): void {
  const seen: number[] = [];
  const visit = (node: PlanTree): void => {
    if ('leaf' in node) seen.push(node.leaf);
    else {
      visit(node.left);
      visit(node.right);
    }
  };
  visit(tree);
  const sorted = [...seen].sort((a, b) => a - b);
  if (sorted.length !== operandCount || sorted.some((leaf, k) => leaf !== k)) {
    throw new EngineError([error('invalid-tree', `the tree's leaves are ${seen.join(', ')}; it must hold each of the ${operandCount} operands 0..${operandCount - 1} exactly once`)]);
  }
}

export function planAnalysis(analysis: Analysis, options: PlanOptions = {}): Plan {
  const started = performance.now();
  const net = new Network(analysis, options.requiresGrad);
  const objective = options.objective ?? 'flops';
  const memoryCap = options.memoryCap ?? Infinity;
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const search: SearchOptions = { objective, memoryCap, deadline: started + budgetMs, signal: options.signal };
  // The exact search leaves part of the budget to the heuristic and the baselines.
  const exactDeadline = search.deadline - Math.min(budgetMs / 4, HEURISTIC_MS);
  const all = [...Array(net.operandCount).keys()];
  const value = (tree: PlanTree) => describeTree(net, tree, objective).objectiveValue;

  let tree: PlanTree | null = null;
  let optimality: Optimality | null = null;
  let exact: ExactResult | null = null;
  let connected: ConnectedResult | null = null;
  let connectedGaveUp = false;
  if (all.length <= (options.exactLimit ?? DEFAULT_EXACT_LIMIT)) {
    try {
      exact = exactSearch(net, all, { ...search, deadline: exactDeadline, bound: knownBound(net, all, search, value) });
      tree = exact.tree;
      if (!tree) throw capError(memoryCap);
      optimality = 'all trees';
    } catch (e) {
      // Out of time: the searches below take over.
      if (!(e instanceof OutOfTimeError)) throw e;
    }
  }
  if (!tree) {
    const naive = leftToRightTree(all.length);
    const naiveDescribed = describeTree(net, naive, objective);
    const naiveFits = (naiveDescribed.largestIntermediate ?? 0) <= memoryCap; // no intermediate fits any cap
    if (objective !== 'memory' && options.connectedSearch !== false) {
      // Not bounded by the left-to-right tree, so that the kernel's subset is solved too (the
      // rebuilt-kernel baseline reads it); a tree that costs more than left to right is no use.
      connected = connectedResult(net, all, { ...search, deadline: exactDeadline }, Infinity);
      connectedGaveUp = connected === null;
      if (connected?.tree && (!naiveFits || connected.value <= naiveDescribed.objectiveValue)) {
        tree = connected.tree;
        optimality = 'trees without outer products';
      }
    }
    if (!tree) {
      // The first trial may use what is left of the budget; more trials start within HEURISTIC_MS.
      const lastStart = Math.min(search.deadline, performance.now() + HEURISTIC_MS);
      const greedy = greedySearch(net, all, search, value, { lastStart, needsTree: !naiveFits });
      tree = greedy && (!naiveFits || value(greedy) <= naiveDescribed.objectiveValue) ? greedy : naiveFits ? naive : null;
      if (!tree) throw capError(memoryCap);
      if (objective !== 'memory' && options.reconfigure !== false) {
        tree = reconfigure(net, tree, { ...search, deadline: Math.min(search.deadline, performance.now() + HEURISTIC_MS) }).tree;
      }
    }
  }
  // The searches already solved the kernel's operands; reuse their tree when they minimized plain MACs.
  const reuse = objective === 'flops' && memoryCap === Infinity ? (exact ?? connected) : null;
  // Where the connected search gave up on all operands, it would on the kernel's too.
  return assemble(net, orderForPeak(net, tree), optimality, options, started, search.deadline, reuse, connectedGaveUp);
}

/**
 * The objective value of a quick tree that keeps to the memory cap (the better of left to right
 * and two greedy trials), for the exact search to skip what cannot beat it; none for the memory
 * objective, whose value is not a sum of step costs.
 */
function knownBound(net: Network, operands: readonly number[], options: SearchOptions, value: (tree: PlanTree) => number): number | undefined {
  if (options.objective === 'memory' || operands.length < 3) return undefined;
  const naive = describeTree(net, leftToRightOver(operands), options.objective);
  let bound = (naive.largestIntermediate ?? 0) <= options.memoryCap ? naive.objectiveValue : Infinity;
  const greedy = greedySearch(net, operands, options, value, { trials: 2 });
  if (greedy) bound = Math.min(bound, value(greedy));
  return bound;
}

/**
 * The cheapest tree without outer products (connected.ts), or null when there is none within
 * the search's limits and time, or none costing at most `bound`.
 */
function connectedTree(net: Network, operands: readonly number[], options: SearchOptions, bound: number): PlanTree | null {
  return connectedResult(net, operands, options, bound)?.tree ?? null;
}

function connectedResult(net: Network, operands: readonly number[], options: SearchOptions, bound: number): ConnectedResult | null {
  try {
    const outcome = connectedSearch(net, operands, options, { ...DEFAULT_CONNECTED_LIMITS, upperBound: bound });
    return typeof outcome === 'string' ? null : outcome;
  } catch (e) {
    if (!(e instanceof OutOfTimeError)) throw e;
    return null;
  }
}

/** A search that solved subsets on the way and can give the best tree of one. */
type Solved = Pick<ExactResult, 'treeOf'>;

function capError(cap: number): EngineError {
  return new EngineError([error('memory-cap-infeasible', `no evaluation order keeps every intermediate within the memory cap of ${cap} elements`)]);
}

function assemble(net: Network, tree: PlanTree, optimality: Optimality | null, options: PlanOptions, started: number, deadline: number, solved: Solved | null = null, skipConnected = false): Plan {
  const objective = options.objective ?? 'flops';
  const described = describeTree(net, tree, objective);
  const naiveTree = leftToRightTree(net.operandCount);
  const naive = describeTree(net, naiveTree, objective);
  const dataOperands = options.dataOperands ?? defaultDataOperands(net);
  const rebuilt = rebuiltKernelTree(net, dataOperands, deadline, solved, skipConnected);
  const { analysis } = net;
  const rebuiltDescribed = rebuilt ? describeTree(net, rebuilt, objective) : null;
  const design = designNumbers(analysis.shapes, dataOperands, options.requiresGrad, rebuiltDescribed);
  const figures = {
    macs: described.macs,
    flops: 2 * described.macs,
    largestIntermediate: described.largestIntermediate,
    peakElements: described.peakElements,
    naiveMacs: naive.macs,
    rebuiltMacs: rebuiltDescribed?.macs ?? null,
    objectiveValue: described.objectiveValue,
    params: design.params,
    constElements: design.constElements,
    denseParams: design.denseParams,
    denseMacs: design.denseMacs,
  };
  return {
    expression: analysis.spec.text,
    shapes: analysis.shapes,
    objective,
    outputIndices: analysis.output,
    outputShape: analysis.outputShape,
    tree,
    path: described.path,
    steps: described.steps,
    optimal: optimality !== null,
    optimality,
    ...figures,
    ...exactness(figures),
    naiveTree,
    rebuiltTree: rebuilt,
    dataOperands,
    compression: design.compression,
    planMs: performance.now() - started,
  };
}

/** The operand that is the feature along every conv index; with no conv index, the first operand. */
function defaultDataOperands(net: Network): readonly number[] {
  if (net.operandCount < 2) return [];
  const features = new Set(net.convs.map((c) => c.feature));
  if (features.size === 0) return [0];
  return features.size === 1 ? [...features] : [];
}

/**
 * Contract every factor into the full kernel (best order for MACs found before the plan's
 * deadline; left to right when none is), then apply it to the data operands (left to right).
 * Null without a data operand or without a factor.
 */
function rebuiltKernelTree(net: Network, dataOperands: readonly number[], deadline: number, solved: Solved | null, skipConnected: boolean): PlanTree | null {
  const factors = [...Array(net.operandCount).keys()].filter((k) => !dataOperands.includes(k));
  if (dataOperands.length === 0 || factors.length === 0) return null;
  const options: SearchOptions = { objective: 'flops', memoryCap: Infinity, deadline };
  return { left: leftToRightOver(dataOperands), right: solved?.treeOf(factors) ?? bestKernelTree(net, factors, options, skipConnected) };
}

function bestKernelTree(net: Network, weights: readonly number[], options: SearchOptions, skipConnected: boolean): PlanTree {
  if (weights.length <= DEFAULT_EXACT_LIMIT) {
    try {
      const macs = (tree: PlanTree) => describeTree(net, tree, 'flops').macs;
      return exactSearch(net, weights, { ...options, bound: knownBound(net, weights, options, macs) }).tree!;
    } catch (e) {
      if (!(e instanceof OutOfTimeError)) throw e;
    }
  }
  const connected = skipConnected ? null : connectedTree(net, weights, options, Infinity);
  if (connected) return connected;
  const lastStart = Math.min(options.deadline, performance.now() + HEURISTIC_MS / 4);
  const greedy = greedySearch(net, weights, options, (t) => describeTree(net, t, 'flops').macs, { trials: 2, lastStart });
  return greedy ?? leftToRightOver(weights);
}

function leftToRightOver(operands: readonly number[]): PlanTree {
  let tree: PlanTree = { leaf: operands[0]! };
  for (const k of operands.slice(1)) tree = { left: tree, right: { leaf: k } };
  return tree;
}

const CACHE_SIZE = 256;
const planCache = new Map<string, Plan>();

function cacheKey(text: string, shapes: readonly (readonly number[])[], options: PlanOptions): string {
  const { signal: _signal, ...rest } = options;
  return JSON.stringify([text, shapes, rest]);
}
