/**
 * Subtree reconfiguration (docs/semantics.md section 4), for heuristic trees under the objectives
 * that add up over steps: at every node, the top of its subtree down to a few subtrees (up to
 * GROUPS of them, the costliest opened first) is solved again exactly, by a subset DP over those
 * subtrees' tensors (outer products included), and kept when cheaper. Passes repeat while they
 * gain and time is left. The tree never gets worse.
 */
import { FlatStates } from './flat-states.js';
import type { Network, TensorState } from './network.js';
import type { PlanTree } from './plan.js';
import { stepCost, type SearchOptions } from './search.js';

/** Subtrees re-solved together: the DP costs 3^GROUPS splits per node. */
export const GROUPS = 8;

interface Built {
  readonly tree: PlanTree;
  readonly state: TensorState;
  /** Cost of the whole subtree under the objective. */
  readonly cost: number;
  readonly children?: readonly [Built, Built];
}

export interface Reconfigured {
  readonly tree: PlanTree;
  /** Objective value before and after. */
  readonly before: number;
  readonly after: number;
}

/** Improves `tree` until a pass gains nothing or the deadline passes; `options.objective` must be flops or training. */
export function reconfigure(net: Network, tree: PlanTree, options: SearchOptions, groups = GROUPS): Reconfigured {
  if (options.objective === 'memory') throw new Error('reconfigure: the memory objective is not additive');
  const tables = new FlatStates(net, 1 << groups);
  let current = build(net, tree, options);
  const before = current.cost;
  for (;;) {
    if (performance.now() > options.deadline) break;
    const next = pass(net, current, options, tables, groups);
    if (!(next.cost < current.cost)) break;
    current = next;
  }
  return { tree: current.tree, before, after: current.cost };
}

function leafOf(net: Network, k: number): Built {
  return { tree: { leaf: k }, state: net.leaves[k]!, cost: 0 };
}

function join(net: Network, options: SearchOptions, a: Built, b: Built): Built {
  const state = net.merge(a.state, b.state);
  return { tree: { left: a.tree, right: b.tree }, state, cost: a.cost + b.cost + stepCost(net, options.objective, a.state, b.state, state), children: [a, b] };
}

function build(net: Network, tree: PlanTree, options: SearchOptions): Built {
  if ('leaf' in tree) return leafOf(net, tree.leaf);
  return join(net, options, build(net, tree.left, options), build(net, tree.right, options));
}

/** One pass, children first. */
function pass(net: Network, node: Built, options: SearchOptions, tables: FlatStates, groups: number): Built {
  if (!node.children) return node;
  const improved = performance.now() > options.deadline
    ? node
    : join(net, options, pass(net, node.children[0], options, tables, groups), pass(net, node.children[1], options, tables, groups));
  return resolveTop(net, improved, options, tables, groups);
}

/** Opens the node down to at most `groups` subtrees and re-solves the top exactly; the better top is kept. */
function resolveTop(net: Network, node: Built, options: SearchOptions, tables: FlatStates, groups: number): Built {
  const frontier: Built[] = [...node.children!];
  while (frontier.length < groups) {
    let open = -1;
    for (let i = 0; i < frontier.length; i++) {
      if (frontier[i]!.children && (open < 0 || frontier[i]!.cost > frontier[open]!.cost)) open = i;
    }
    if (open < 0) break;
    frontier.splice(open, 1, ...frontier[open]!.children!);
  }
  const g = frontier.length;
  if (g < 3) return node;
  const full = (1 << g) - 1;
  frontier.forEach((item, i) => tables.setState(1 << i, item.state));
  const best = new Float64Array(full + 1).fill(Infinity);
  const split = new Int32Array(full + 1);
  for (let i = 0; i < g; i++) best[1 << i] = 0;
  for (let s = 1; s <= full; s++) {
    const low = s & -s;
    if (s === low) continue;
    tables.setUnion(s, s ^ low, low);
    // The node's own tensor exists whatever the order inside; only the inner ones face the cap.
    if (s !== full && tables.elements[s]! > options.memoryCap) continue;
    const rest = s ^ low;
    for (let sub = (rest - 1) & rest; ; sub = (sub - 1) & rest) {
      const a = low | sub;
      const b = rest ^ sub;
      const base = best[a]! + best[b]!;
      if (base < best[s]!) {
        const total = base + tables.stepCost(options.objective, a, b, s);
        if (total < best[s]!) {
          best[s] = total;
          split[s] = a;
        }
      }
      if (sub === 0) break;
    }
  }
  const fixed = frontier.reduce((sum, item) => sum + item.cost, 0);
  // Kept only when clearly cheaper: equal costs summed in another order may differ in the last bit.
  if (!(fixed + best[full]! < node.cost * (1 - 1e-12))) return node;
  const rebuild = (s: number): Built => {
    if ((s & (s - 1)) === 0) return frontier[31 - Math.clz32(s)]!;
    return join(net, options, rebuild(split[s]!), rebuild(s ^ split[s]!));
  };
  return rebuild(full);
}
