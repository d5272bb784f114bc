/**
 * Exact search over trees without outer products (docs/semantics.md section 4), for any number of
 * operands while the operand graph has few enough connected subgraphs.
 *
 * Two operands are joined when they hold a common index; the tensors of two disjoint operand sets
 * then share an index exactly when some edge joins the sets (an index held on both sides is held
 * outside either, so each keeps it). A step without an outer product therefore joins two connected
 * subgraphs that an edge links: a csg-cmp pair, enumerated each exactly once as DPccp does
 * (Moerkotte and Neumann, 2006). The dynamic program over those pairs, smaller unions first, finds
 * the cheapest such tree under an objective that adds up over steps (flops, training); it uses the
 * tensor states of flat-states.ts, made with network.ts's rules, so its costs are the planner's
 * everywhere else.
 */
import { FlatStates } from './flat-states.js';
import type { Network } from './network.js';
import type { PlanTree } from './plan.js';
import { seededRandom } from './random.js';
import { checkCancel, OutOfTimeError, type SearchOptions } from './search.js';

export interface ConnectedLimits {
  /** Give up ('too-large') past this many connected subgraphs. */
  readonly maxSubgraphs: number;
  /** Give up ('too-large') past this many csg-cmp pairs. */
  readonly maxPairs: number;
  /** Cost of a known tree: partial trees costing more are not pursued. */
  readonly upperBound?: number;
}

/**
 * Well under a second of search on a loaded 2-core machine: chains and rings of 120 factors fit
 * (7k and 14k subgraphs, 290k and 850k pairs), binary trees of 25; the subgraphs are counted
 * first, so a network with far too many gives up early.
 */
export const DEFAULT_CONNECTED_LIMITS: ConnectedLimits = { maxSubgraphs: 40_000, maxPairs: 1_200_000 };

export interface ConnectedResult {
  /** The cheapest tree without outer products; null when every such tree costs more than the bound or breaks the memory cap. */
  readonly tree: PlanTree | null;
  /**
   * The same for a connected subset of the operands (as the search solved it on the way); null when
   * the subset is not connected, or its best tree costs more than the bound or breaks the cap.
   */
  treeOf(operands: readonly number[]): PlanTree | null;
  readonly value: number;
  readonly subgraphs: number;
  readonly pairs: number;
}

/** Why the search did not run to its end: the graph is not connected, or it has too many connected subgraphs. */
export type ConnectedOutcome = ConnectedResult | 'disconnected' | 'too-large';

class TooLarge extends Error {}

/**
 * The pair list and its order, kept from one search to the next (at most the limits' 1.2M pairs,
 * about 19 MB): fresh arrays of that size cost more to zero and fault in than the search itself.
 * Searches run one at a time (they are synchronous), so one set is enough.
 */
const reused = { pairs: new Int32Array(0), order: new Int32Array(0) };

/**
 * Cheapest tree without outer products over `operands` (network operand numbers). Additive
 * objectives only: the memory objective's lexicographic (peak, MACs) needs Pareto fronts, which
 * this search does not keep. Throws OutOfTimeError past the deadline.
 */
export function connectedSearch(net: Network, operands: readonly number[], options: SearchOptions, limits: ConnectedLimits = DEFAULT_CONNECTED_LIMITS): ConnectedOutcome {
  if (options.objective === 'memory') throw new Error('connectedSearch: the memory objective is not additive');
  checkCancel(options.signal);
  if (performance.now() > options.deadline) throw new OutOfTimeError();
  const graph = operandGraph(net, operands);
  if (!isConnected(graph)) return 'disconnected';
  let sets: SubgraphSet;
  try {
    sets = enumeratePairs(graph, limits, options);
  } catch (e) {
    if (e instanceof TooLarge) return 'too-large';
    throw e;
  }
  return solvePairs(net, operands, sets, options, limits.upperBound ?? Infinity);
}

/** Operands as nodes 0..n-1, joined when they hold a common index. */
interface Graph {
  readonly n: number;
  readonly words: number;
  /** Per node, its neighbours as a bit set of `words` words. */
  readonly adjacency: Uint32Array;
  readonly neighbours: readonly (readonly number[])[];
}

function operandGraph(net: Network, operands: readonly number[]): Graph {
  const n = operands.length;
  const words = Math.ceil(n / 32) || 1;
  const adjacency = new Uint32Array(n * words);
  const holders = new Map<number, number[]>();
  operands.forEach((k, j) => {
    for (const id of net.leaves[k]!.ids) {
      const list = holders.get(id) ?? [];
      list.push(j);
      holders.set(id, list);
    }
  });
  for (const list of holders.values()) {
    for (const i of list) {
      for (const j of list) if (i !== j) adjacency[i * words + (j >>> 5)]! |= 1 << (j & 31);
    }
  }
  const neighbours = Array.from({ length: n }, (_, i) => {
    const out: number[] = [];
    for (let j = 0; j < n; j++) if (adjacency[i * words + (j >>> 5)]! & (1 << (j & 31))) out.push(j);
    return out;
  });
  return { n, words, adjacency, neighbours };
}

function isConnected(graph: Graph): boolean {
  const seen = new Uint8Array(graph.n);
  const stack = [0];
  seen[0] = 1;
  let count = 1;
  while (stack.length > 0) {
    for (const j of graph.neighbours[stack.pop()!]!) {
      if (!seen[j]) {
        seen[j] = 1;
        count++;
        stack.push(j);
      }
    }
  }
  return count === graph.n;
}

/**
 * Every connected subgraph once, as a bit set with an id, found again by its Zobrist hashes
 * (two 32-bit ones, then the words compared); and every csg-cmp pair once, with its union's id.
 */
class SubgraphSet {
  count = 0;
  pairCount = 0;
  members = new Uint32Array(0);
  hashA = new Int32Array(0);
  hashB = new Int32Array(0);
  sizes = new Int32Array(0);
  pairs = reused.pairs;
  private table = new Int32Array(0);
  readonly zobristA: Int32Array;
  readonly zobristB: Int32Array;

  constructor(readonly graph: Graph, private readonly limits: ConnectedLimits) {
    const random = seededRandom(0xc0ffee);
    const draw = () => (random() * 4294967296) | 0;
    this.zobristA = Int32Array.from({ length: graph.n }, draw);
    this.zobristB = Int32Array.from({ length: graph.n }, draw);
    this.grow(1024);
  }

  /** Adds a subgraph, given its hashes (the XOR of its members' Zobrist numbers). */
  add(set: Uint32Array, ha: number, hb: number): number {
    if (this.count >= this.limits.maxSubgraphs) throw new TooLarge();
    if (this.count * 2 >= this.table.length) this.grow(this.table.length * 2);
    const id = this.count++;
    const { words } = this.graph;
    this.members.set(set, id * words);
    this.hashA[id] = ha;
    this.hashB[id] = hb;
    let size = 0;
    for (let w = 0; w < words; w++) size += popcount(set[w]!);
    this.sizes[id] = size;
    this.insert(id);
    return id;
  }

  /** Id of the subgraph with these hashes whose members are `set`, or of a | b when `b` >= 0 (ids). */
  find(ha: number, hb: number, set: Uint32Array | null, a = -1, b = -1): number {
    const mask = this.table.length - 1;
    const { words } = this.graph;
    for (let slot = ha & mask; ; slot = (slot + 1) & mask) {
      const id = this.table[slot]! - 1;
      if (id < 0) return -1;
      if (this.hashA[id] !== ha || this.hashB[id] !== hb) continue;
      let same = true;
      for (let w = 0; w < words && same; w++) {
        const want = set ? set[w]! : (this.members[a * words + w]! | this.members[b * words + w]!) >>> 0;
        same = this.members[id * words + w] === want;
      }
      if (same) return id;
    }
  }

  /** Id of the subgraph of these nodes, or -1 when they are not one (not connected). */
  idOf(nodes: readonly number[]): number {
    const set = new Uint32Array(this.graph.words);
    let ha = 0;
    let hb = 0;
    for (const v of nodes) {
      if (v < 0 || has(set, v)) return -1;
      put(set, v);
      ha ^= this.zobristA[v]!;
      hb ^= this.zobristB[v]!;
    }
    return this.find(ha, hb, set);
  }

  addPair(a: number, b: number, union: number): void {
    if (this.pairCount >= this.limits.maxPairs) throw new TooLarge();
    if ((this.pairCount + 1) * 3 > this.pairs.length) {
      const grown = new Int32Array(Math.min(Math.max(3072, this.pairs.length * 2), 3 * this.limits.maxPairs));
      grown.set(this.pairs);
      this.pairs = grown;
      reused.pairs = grown;
    }
    const at = this.pairCount++ * 3;
    this.pairs[at] = a;
    this.pairs[at + 1] = b;
    this.pairs[at + 2] = union;
  }

  private insert(id: number): void {
    const mask = this.table.length - 1;
    let slot = this.hashA[id]! & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = id + 1;
  }

  private grow(tableSize: number): void {
    const capacity = tableSize >> 1;
    const { words } = this.graph;
    const members = new Uint32Array(capacity * words);
    members.set(this.members);
    this.members = members;
    for (const key of ['hashA', 'hashB', 'sizes'] as const) {
      const grown = new Int32Array(capacity);
      grown.set(this[key]);
      this[key] = grown;
    }
    this.table = new Int32Array(tableSize);
    for (let id = 0; id < this.count; id++) this.insert(id);
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

const has = (set: Uint32Array, v: number) => (set[v >>> 5]! & (1 << (v & 31))) !== 0;
const put = (set: Uint32Array, v: number) => {
  set[v >>> 5]! |= 1 << (v & 31);
};

/** Neighbourhoods wider than this have too many subsets to enumerate. */
const MAX_FRONTIER = 24;

function enumeratePairs(graph: Graph, limits: ConnectedLimits, options: SearchOptions): SubgraphSet {
  const enumerator = new PairEnumerator(graph, new SubgraphSet(graph, limits), options);
  enumerator.run();
  return enumerator.sets;
}

/**
 * DPccp's enumeration: connected subgraphs grown from each node v (highest first) with the nodes
 * below v excluded, so each is found once, from its lowest node; then for each subgraph S1 its
 * connected complements S2, grown from neighbours of S1 above S1's lowest node. The sets being
 * grown live in one buffer per recursion depth, and their hashes are updated node by node.
 */
class PairEnumerator {
  private readonly words: number;
  private readonly setAt: Uint32Array[];
  private readonly reachAt: Uint32Array[];
  private readonly excludedAt: Uint32Array[];
  /** Per depth, the frontier N(S) \ X of the set at that depth. */
  private readonly nextAt: Int32Array[];
  /** Complements are being grown for this subgraph; -1 while subgraphs are being collected. */
  private first = -1;
  private firstA = 0;
  private firstB = 0;
  private ticks = 0;

  constructor(private readonly graph: Graph, readonly sets: SubgraphSet, private readonly options: SearchOptions) {
    const { n, words } = graph;
    this.words = words;
    const buffers = () => Array.from({ length: n + 2 }, () => new Uint32Array(words));
    this.setAt = buffers();
    this.reachAt = buffers();
    this.excludedAt = buffers();
    this.nextAt = Array.from({ length: n + 2 }, () => new Int32Array(n));
  }

  run(): void {
    const { n, words, adjacency } = this.graph;
    const { sets } = this;
    const { zobristA, zobristB } = sets;
    for (let v = n - 1; v >= 0; v--) {
      this.startAt(v);
      for (let j = 0; j <= v; j++) put(this.excludedAt[0]!, j);
      this.emit(this.setAt[0]!, zobristA[v]!, zobristB[v]!);
      this.grow(0, zobristA[v]!, zobristB[v]!);
    }

    const s1 = new Uint32Array(words);
    const excluded1 = new Uint32Array(words);
    const reach1 = new Uint32Array(words);
    const next = new Int32Array(n);
    const subgraphs = sets.count;
    for (let first = 0; first < subgraphs; first++) {
      s1.set(sets.members.subarray(first * words, (first + 1) * words));
      let lowest = 0;
      while (!has(s1, lowest)) lowest++;
      excluded1.fill(0);
      for (let j = 0; j <= lowest; j++) put(excluded1, j);
      for (let w = 0; w < words; w++) excluded1[w]! |= s1[w]!;
      reach1.fill(0);
      for (let v = 0; v < n; v++) if (has(s1, v)) for (let w = 0; w < words; w++) reach1[w]! |= adjacency[v * words + w]!;
      const count = frontier(reach1, s1, excluded1, next);
      this.first = first;
      this.firstA = sets.hashA[first]!;
      this.firstB = sets.hashB[first]!;
      for (let i = count - 1; i >= 0; i--) {
        const v = next[i]!;
        // S2 starts at v; the neighbours of S1 up to v are left to the other starts.
        this.startAt(v);
        this.excludedAt[0]!.set(excluded1);
        for (let j = 0; j <= i; j++) put(this.excludedAt[0]!, next[j]!);
        this.emit(this.setAt[0]!, zobristA[v]!, zobristB[v]!);
        this.grow(0, zobristA[v]!, zobristB[v]!);
      }
    }
  }

  /** Node v alone at depth 0, nothing excluded yet. */
  private startAt(v: number): void {
    const { words, adjacency } = this.graph;
    this.setAt[0]!.fill(0);
    put(this.setAt[0]!, v);
    this.reachAt[0]!.set(adjacency.subarray(v * words, (v + 1) * words));
    this.excludedAt[0]!.fill(0);
  }

  /** A new subgraph while collecting them, or a new complement of `first`. */
  private emit(set: Uint32Array, ha: number, hb: number): void {
    if ((++this.ticks & 4095) === 0) {
      checkCancel(this.options.signal);
      if (performance.now() > this.options.deadline) throw new OutOfTimeError();
    }
    const { sets } = this;
    if (this.first < 0) {
      sets.add(set, ha, hb);
      return;
    }
    const second = sets.find(ha, hb, set);
    const union = sets.find(this.firstA ^ ha, this.firstB ^ hb, null, this.first, second);
    sets.addPair(this.first, second, union);
  }

  /**
   * Grows the connected set at depth d (hashes ha, hb) by every nonempty subset of its frontier,
   * emitting each grown set (built at depth d + 1), then growing each further with the whole
   * frontier excluded.
   */
  private grow(d: number, ha: number, hb: number): void {
    const { words, adjacency } = this.graph;
    const { zobristA, zobristB } = this.sets;
    const set = this.setAt[d]!;
    const reach = this.reachAt[d]!;
    const next = this.nextAt[d]!;
    const count = frontier(reach, set, this.excludedAt[d]!, next);
    if (count === 0) return;
    if (count > MAX_FRONTIER) throw new TooLarge();
    const subsets = (1 << count) - 1;
    const grown = this.setAt[d + 1]!;
    const grownReach = this.reachAt[d + 1]!;
    const excluded = this.excludedAt[d + 1]!;
    const excludedHere = this.excludedAt[d]!;
    for (let w = 0; w < words; w++) excluded[w] = excludedHere[w]!;
    for (let i = 0; i < count; i++) put(excluded, next[i]!);
    for (let pass = 0; pass < 2; pass++) {
      for (let mask = 1; mask <= subsets; mask++) {
        for (let w = 0; w < words; w++) grown[w] = set[w]!;
        if (pass === 1) for (let w = 0; w < words; w++) grownReach[w] = reach[w]!;
        let ga = ha;
        let gb = hb;
        for (let i = 0; i < count; i++) {
          if ((mask & (1 << i)) === 0) continue;
          const v = next[i]!;
          put(grown, v);
          ga ^= zobristA[v]!;
          gb ^= zobristB[v]!;
          if (pass === 1) for (let w = 0; w < words; w++) grownReach[w]! |= adjacency[v * words + w]!;
        }
        if (pass === 0) this.emit(grown, ga, gb);
        else this.grow(d + 1, ga, gb);
      }
    }
  }
}

/** Writes the members of N(S) \ X into `out` (ascending) and returns their count; `reach` is the union of the neighbourhoods of S's members. */
function frontier(reach: Uint32Array, set: Uint32Array, excluded: Uint32Array, out: Int32Array): number {
  let count = 0;
  for (let w = 0; w < reach.length; w++) {
    let bits = reach[w]! & ~set[w]! & ~excluded[w]!;
    while (bits !== 0) {
      const low = bits & -bits;
      out[count++] = w * 32 + 31 - Math.clz32(low);
      bits ^= low;
    }
  }
  return count;
}

/** The DP over the pairs, by the size of their union, so both halves are solved before. */
function solvePairs(net: Network, operands: readonly number[], sets: SubgraphSet, options: SearchOptions, bound: number): ConnectedResult {
  const { count, pairCount, pairs, sizes } = sets;
  const { n } = sets.graph;
  const best = new Float64Array(count).fill(Infinity);
  const left = new Int32Array(count).fill(-1);
  const right = new Int32Array(count).fill(-1);
  const states = new FlatStates(net, count);
  const made = new Uint8Array(count);
  const tooBig = new Uint8Array(count);
  let full = -1;
  for (let id = 0; id < count; id++) {
    if (sizes[id] === 1) {
      let v = 0;
      while (!has(sets.members.subarray(id * sets.graph.words, (id + 1) * sets.graph.words), v)) v++;
      states.setLeaf(id, operands[v]!);
      made[id] = 1;
      best[id] = 0;
      left[id] = v;
    }
    if (sizes[id] === n) full = id;
  }
  // Counting sort of the pairs by the size of their union.
  const start = new Int32Array(n + 2);
  for (let p = 0; p < pairCount; p++) start[sizes[pairs[p * 3 + 2]!]! + 1]!++;
  for (let k = 1; k <= n + 1; k++) start[k]! += start[k - 1]!;
  if (reused.order.length < pairCount) reused.order = new Int32Array(pairCount);
  const order = reused.order;
  for (let p = 0; p < pairCount; p++) order[start[sizes[pairs[p * 3 + 2]!]!]!++] = p;

  for (let k = 0; k < pairCount; k++) {
    if ((k & 8191) === 0) {
      checkCancel(options.signal);
      if (performance.now() > options.deadline) throw new OutOfTimeError();
    }
    const p = order[k]! * 3;
    const a = pairs[p]!;
    const b = pairs[p + 1]!;
    const u = pairs[p + 2]!;
    const base = best[a]! + best[b]!;
    if (base >= best[u]! || base > bound || tooBig[u]) continue;
    if (!made[u]) {
      states.setUnion(u, a, b);
      made[u] = 1;
      if (u !== full && states.elements[u]! > options.memoryCap) tooBig[u] = 1;
    }
    if (tooBig[u]) continue;
    const total = base + states.stepCost(options.objective, a, b, u);
    if (total < best[u]! && total <= bound) {
      best[u] = total;
      left[u] = a;
      right[u] = b;
    }
  }
  const build = (id: number): PlanTree => (sizes[id] === 1 ? { leaf: operands[left[id]!]! } : { left: build(left[id]!), right: build(right[id]!) });
  const value = full >= 0 ? best[full]! : Infinity;
  const treeOf = (subset: readonly number[]): PlanTree | null => {
    const id = sets.idOf(subset.map((k) => operands.indexOf(k)));
    return id >= 0 && best[id]! < Infinity ? build(id) : null;
  };
  return { tree: value < Infinity ? build(full) : null, treeOf, value, subgraphs: count, pairs: pairCount };
}
