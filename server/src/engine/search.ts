/**
 * Exact tree search (docs/semantics.md section 4): a subset DP over all binary trees, outer products
 * included, on the cost model of network.ts; greedy.ts is the heuristic for larger expressions
 * or when time runs out. Both return a tree; the figures are made from it in tree.ts.
 */
import type { Network, TensorState } from './network.js';
import type { Objective } from './options.js';
import type { PlanTree } from './plan.js';

export interface SearchOptions {
  readonly objective: Objective;
  /** Largest intermediate allowed (elements); the final output is exempt. */
  readonly memoryCap: number;
  /** Absolute time (performance.now()) after which the search gives up. */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  /**
   * Objective value of a known tree that keeps to the memory cap (flops and training): subsets
   * whose tensor alone has more elements cannot be in a better tree (every step costs at least
   * its output's elements), so the exact search skips them.
   */
  readonly bound?: number;
}

export interface SearchResult {
  readonly tree: PlanTree;
  readonly optimal: boolean;
}

export class CancelledError extends Error {
  constructor() {
    super('planning was cancelled');
    this.name = 'CancelledError';
  }
}

export class OutOfTimeError extends Error {}

/** Cost of one step under an objective that adds up over steps (flops, training). */
export function stepCost(net: Network, objective: Objective, a: TensorState, b: TensorState, merged: TensorState): number {
  const macs = net.stepMacs(a, b, merged);
  if (objective !== 'training') return macs;
  return macs * (1 + (a.needsGrad ? 1 : 0) + (b.needsGrad ? 1 : 0));
}

export function checkCancel(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/**
 * Per-subset tables for the exact search: present-index bit masks, element counts and conv
 * states of every subset of the operands, built with the network's own rules (keeps,
 * convSizeFor) but stored flat, so that one split of the DP costs a few word operations and
 * table look-ups instead of building tensor states.
 */
class SubsetTables {
  readonly full: number;
  readonly elements: Float64Array;
  private readonly words: number;
  private readonly slots: number;
  private readonly present: Uint32Array;
  /** Per subset, bit c set when the subset holds the feature of conv slot c. */
  private readonly feature: Uint8Array;
  private readonly convSize: Float64Array;
  private readonly needsGrad: Uint8Array;
  /** Product of plain sizes for each byte of each mask word: byteProduct[(w*4+p)*256 + byte]. */
  private readonly byteProduct: Float64Array;

  constructor(readonly net: Network, readonly operands: readonly number[]) {
    const n = operands.length;
    const size = 1 << n;
    const m = net.names.length;
    this.full = size - 1;
    this.words = Math.ceil(m / 32) || 1;
    this.slots = net.convs.length;
    const { words, slots } = this;
    this.elements = new Float64Array(size);
    this.present = new Uint32Array(size * words);
    this.feature = new Uint8Array(size);
    this.convSize = new Float64Array(size * slots);
    this.needsGrad = new Uint8Array(size);
    this.byteProduct = plainByteProducts(net, words);

    const holders = new Int32Array(m);
    operands.forEach((k, j) => {
      for (const id of net.leaves[k]!.ids) holders[id]! |= 1 << j;
    });
    const leafPresent = new Uint32Array(n * words);
    operands.forEach((k, j) => {
      for (const id of net.leaves[k]!.ids) leafPresent[j * words + (id >>> 5)]! |= 1 << (id & 31);
    });
    const lonely = new Uint32Array(words);
    for (let id = 0; id < m; id++) if (net.totalCount[id] === 1 && !net.keeps(id, 1)) lonely[id >>> 5]! |= 1 << (id & 31);
    const featureMask = net.convs.map((conv) => (operands.includes(conv.feature) ? 1 << operands.indexOf(conv.feature) : 0));
    const filterMask = net.convs.map((conv) => conv.filters.reduce((mask, k) => (operands.includes(k) ? mask | (1 << operands.indexOf(k)) : mask), 0));
    const kSum = new Float64Array(size * slots);
    for (let s = 1; s < size; s++) {
      const low = s & -s;
      const j = 31 - Math.clz32(low);
      const leaf = net.leaves[operands[j]!]!;
      const isLeaf = s === low;
      this.needsGrad[s] = (isLeaf ? 0 : this.needsGrad[s ^ low]!) | (leaf.needsGrad ? 1 : 0);
      // The rest's indices and the leaf's: one that only one side holds stays (it is held outside
      // that side, so outside s), unless only the leaf holds it at all; one both hold stays when
      // network.keeps says so for the operands of s that hold it.
      for (let w = 0; w < words; w++) {
        const pl = leafPresent[j * words + w]!;
        if (isLeaf) {
          this.present[s * words + w] = pl;
          continue;
        }
        const pr = this.present[(s ^ low) * words + w]!;
        let union = (pr | pl) & ~lonely[w]!;
        for (let shared = pr & pl; shared !== 0; ) {
          const bit = shared & -shared;
          const id = w * 32 + 31 - Math.clz32(bit);
          if (!net.keeps(id, popcount(holders[id]! & s))) union &= ~bit;
          shared ^= bit;
        }
        this.present[s * words + w] = union;
      }
      let elements = maskProduct(this.byteProduct, this.present, s * words, s * words, words, true);
      for (let c = 0; c < slots; c++) {
        kSum[s * slots + c] = (isLeaf ? 0 : kSum[(s ^ low) * slots + c]!) + leaf.convKSum[c]!;
        const hasFeature = (s & featureMask[c]!) !== 0;
        if (hasFeature) this.feature[s]! |= 1 << c;
        const convSize = net.convSizeFor(c, hasFeature, popcount(s & filterMask[c]!), kSum[s * slots + c]!);
        this.convSize[s * slots + c] = convSize;
        if (this.has(s, net.convIds[c]!)) elements *= convSize;
      }
      this.elements[s] = elements;
    }
  }

  private has(s: number, id: number): boolean {
    return (this.present[s * this.words + (id >>> 5)]! & (1 << (id & 31))) !== 0;
  }

  isLeaf(s: number): boolean {
    return (s & (s - 1)) === 0;
  }

  leafOperand(s: number): number {
    return this.operands[31 - Math.clz32(s)]!;
  }

  /** Same value as network.stepMacs for the tensors of subsets a and b. */
  stepMacs(a: number, b: number): number {
    const { words, slots } = this;
    let macs = maskProduct(this.byteProduct, this.present, a * words, b * words, words, false);
    const s = a | b;
    for (let c = 0; c < slots; c++) {
      const id = this.net.convIds[c]!;
      const inA = this.has(a, id);
      const inB = this.has(b, id);
      if (inA && inB) {
        const bit = 1 << c;
        if (this.feature[a]! & bit) macs *= this.convSize[s * slots + c]! * this.convSize[b * slots + c]!;
        else if (this.feature[b]! & bit) macs *= this.convSize[s * slots + c]! * this.convSize[a * slots + c]!;
        else macs *= this.convSize[a * slots + c]! * this.convSize[b * slots + c]!;
      } else if (inA) {
        macs *= this.convSize[a * slots + c]!;
      } else if (inB) {
        macs *= this.convSize[b * slots + c]!;
      }
    }
    return macs;
  }

  stepCost(objective: Objective, a: number, b: number): number {
    const macs = this.stepMacs(a, b);
    if (objective !== 'training') return macs;
    return macs * (1 + this.needsGrad[a]! + this.needsGrad[b]!);
  }
}

export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Per byte of each word of an index bit mask, the product of the plain sizes of its indices (conv indices count 1). */
export function plainByteProducts(net: Network, words: number): Float64Array {
  const table = new Float64Array(words * 4 * 256);
  for (let w = 0; w < words; w++) {
    for (let p = 0; p < 4; p++) {
      const base = (w * 4 + p) * 256;
      table[base] = 1;
      // Each byte's product is its lowest bit's size times the product of the bits above it.
      for (let byte = 1; byte < 256; byte++) {
        const low = byte & -byte;
        const id = w * 32 + p * 8 + 31 - Math.clz32(low);
        const size = id < net.names.length && net.convSlot[id]! < 0 ? net.plainSize[id]! : 1;
        table[base + byte] = table[base + (byte ^ low)]! * size;
      }
    }
  }
  return table;
}

/** Product of the plain sizes of the indices in the union of two masks (or in one, when `same`). */
export function maskProduct(table: Float64Array, masks: Uint32Array, at: number, bt: number, words: number, same: boolean): number {
  let product = 1;
  for (let w = 0; w < words; w++) {
    const u = same ? masks[at + w]! : masks[at + w]! | masks[bt + w]!;
    if (u === 0) continue;
    const base = w * 1024;
    product *= table[base + (u & 255)]! * table[base + 256 + ((u >>> 8) & 255)]! * table[base + 512 + ((u >>> 16) & 255)]! * table[base + 768 + (u >>> 24)]!;
  }
  return product;
}

/** The exact search's result: the best tree for the whole set and for any subset it solved. */
export interface ExactResult {
  /** Null when the memory cap excludes every tree of that subset. */
  treeOf(operands: readonly number[]): PlanTree | null;
  readonly tree: PlanTree | null;
}

/** Exact search over the operands listed in `operands` (at most ~16). */
export function exactSearch(net: Network, operands: readonly number[], options: SearchOptions): ExactResult {
  const tables = new SubsetTables(net, operands);
  const fits = (s: number) => s === tables.full || tables.isLeaf(s) || tables.elements[s]! <= options.memoryCap;
  const treeOfMask = options.objective === 'memory' ? paretoSearch(tables, fits, options) : additiveSearch(tables, fits, options);
  const maskOf = (subset: readonly number[]) => subset.reduce((mask, k) => mask | (1 << operands.indexOf(k)), 0);
  return { tree: treeOfMask(tables.full), treeOf: (subset) => treeOfMask(maskOf(subset)) };
}

function additiveSearch(tables: SubsetTables, fits: (s: number) => boolean, options: SearchOptions): (s: number) => PlanTree | null {
  const full = tables.full;
  const best = new Float64Array(full + 1).fill(Infinity);
  const split = new Int32Array(full + 1);
  // A little above the bound: the known tree's value was summed in another order, and sums past
  // 2^53 round.
  const bound = (options.bound ?? Infinity) * (1 + 1e-9);
  for (let s = 1; s <= full; s++) {
    if (tables.isLeaf(s)) {
      best[s] = 0;
      continue;
    }
    if ((s & 1023) === 0) {
      checkCancel(options.signal);
      if (performance.now() > options.deadline) throw new OutOfTimeError();
    }
    if (!fits(s) || (s !== full && tables.elements[s]! > bound)) continue;
    const low = s & -s;
    const rest = s ^ low;
    let bestHere = Infinity;
    let splitHere = 0;
    // Every step costs at least the elements of its output, so a split whose halves already cost
    // more than the best so far less that cannot win.
    const floor = tables.elements[s]!;
    for (let sub = (rest - 1) & rest; ; sub = (sub - 1) & rest) {
      const a = low | sub;
      const b = rest ^ sub;
      const base = best[a]! + best[b]!;
      if (base + floor < bestHere) {
        const total = base + tables.stepCost(options.objective, a, b);
        if (total < bestHere) {
          bestHere = total;
          splitHere = a;
        }
      }
      if (sub === 0) break;
    }
    // A subtree that costs more than the known tree is in no better tree.
    best[s] = bestHere > bound && s !== full ? Infinity : bestHere;
    split[s] = splitHere;
  }
  const build = (s: number): PlanTree | null => {
    if (tables.isLeaf(s)) return { leaf: tables.leafOperand(s) };
    if (best[s] === Infinity) return null;
    const a = split[s]!;
    return { left: build(a)!, right: build(s ^ a)! };
  };
  return build;
}

/** One non-dominated way to build a subset under the memory objective. */
interface Entry {
  readonly peak: number;
  readonly macs: number;
  readonly first: number;
  readonly second: number;
  readonly firstEntry: number;
  readonly secondEntry: number;
}

/**
 * Memory objective: minimize peak live intermediate elements, then MACs. The peak of a node
 * evaluated first-child-first is max(p1, s1 + p2, s1 + s2 + s); operands count zero (they exist
 * anyway). Lexicographic order does not decompose over subtrees, so each subset keeps its
 * Pareto front of (peak, MACs).
 */
function paretoSearch(tables: SubsetTables, fits: (s: number) => boolean, options: SearchOptions): (s: number) => PlanTree | null {
  const { full, elements } = tables;
  const fronts: Entry[][] = new Array(full + 1);
  for (let s = 1; s <= full; s++) {
    if (tables.isLeaf(s)) {
      fronts[s] = [{ peak: 0, macs: 0, first: 0, second: 0, firstEntry: 0, secondEntry: 0 }];
      continue;
    }
    if ((s & 255) === 0) {
      checkCancel(options.signal);
      if (performance.now() > options.deadline) throw new OutOfTimeError();
    }
    fronts[s] = [];
    if (!fits(s)) continue;
    const low = s & -s;
    const rest = s ^ low;
    const candidates: Entry[] = [];
    for (let sub = (rest - 1) & rest; ; sub = (sub - 1) & rest) {
      const a = low | sub;
      const b = rest ^ sub;
      const fa = fronts[a]!;
      const fb = fronts[b]!;
      if (fa.length > 0 && fb.length > 0) {
        const macs = tables.stepMacs(a, b);
        const sa = tables.isLeaf(a) ? 0 : elements[a]!;
        const sb = tables.isLeaf(b) ? 0 : elements[b]!;
        const together = sa + sb + elements[s]!;
        for (let i = 0; i < fa.length; i++) {
          for (let j = 0; j < fb.length; j++) {
            const pa = fa[i]!.peak;
            const pb = fb[j]!.peak;
            const total = fa[i]!.macs + fb[j]!.macs + macs;
            const aFirst = Math.max(pa, sa + pb, together);
            const bFirst = Math.max(pb, sb + pa, together);
            candidates.push(aFirst <= bFirst
              ? { peak: aFirst, macs: total, first: a, second: b, firstEntry: i, secondEntry: j }
              : { peak: bFirst, macs: total, first: b, second: a, firstEntry: j, secondEntry: i });
          }
        }
      }
      if (sub === 0) break;
    }
    fronts[s] = paretoFront(candidates);
  }
  const build = (s: number, e: number): PlanTree => {
    if (tables.isLeaf(s)) return { leaf: tables.leafOperand(s) };
    const entry = fronts[s]![e]!;
    return { left: build(entry.first, entry.firstEntry), right: build(entry.second, entry.secondEntry) };
  };
  return (s) => (fronts[s]!.length === 0 ? null : build(s, 0));
}

/** Entries not beaten in both peak and MACs, sorted by peak (so index 0 is the lexicographic best). */
function paretoFront(candidates: Entry[]): Entry[] {
  candidates.sort((x, y) => x.peak - y.peak || x.macs - y.macs);
  const front: Entry[] = [];
  for (const c of candidates) {
    if (front.length === 0 || c.macs < front[front.length - 1]!.macs) front.push(c);
  }
  return front;
}
