/**
 * Tensor states of operand sets stored flat, by id, for searches that meet many sets and many
 * steps (connected.ts): which indices a set's tensor holds (a bit mask), its element count, its
 * conv sizes, whether it needs a gradient. A union's state is made from its two halves with the
 * network's own rules (Network.keeps, Network.convSizeFor), so it equals Network.merge's; a step's
 * MACs then cost a few word operations and table look-ups instead of merging index lists.
 */
import type { Network, TensorState } from './network.js';
import type { Objective } from './options.js';
import { maskProduct, plainByteProducts } from './search.js';

export class FlatStates {
  readonly elements: Float64Array;
  private readonly words: number;
  private readonly slots: number;
  private readonly present: Uint32Array;
  /** Per state and conv slot: 1 when the feature is under it, its filters, their sum of (K-1), its size. */
  private readonly feature: Uint8Array;
  private readonly filters: Int32Array;
  private readonly kSum: Float64Array;
  private readonly convSize: Float64Array;
  private readonly needsGrad: Uint8Array;
  /** Indices held by three or more operands, and per state how many operands under it hold each. */
  private readonly hyperSlot: Int32Array;
  private readonly hyperCount: Int32Array;
  private readonly hypers: number;
  /** Indices that one operand alone holds and the output does not: a leaf holds them, its first step sums them. */
  private readonly lonely: Uint32Array;
  private readonly byteProduct: Float64Array;

  constructor(readonly net: Network, readonly capacity: number) {
    const m = net.names.length;
    this.words = Math.ceil(m / 32) || 1;
    this.slots = net.convs.length;
    this.hyperSlot = new Int32Array(m).fill(-1);
    let hypers = 0;
    for (let id = 0; id < m; id++) if (net.totalCount[id]! >= 3) this.hyperSlot[id] = hypers++;
    this.hypers = hypers;
    this.lonely = new Uint32Array(this.words);
    for (let id = 0; id < m; id++) if (!net.keeps(id, 1) && net.totalCount[id] === 1) this.lonely[id >>> 5]! |= 1 << (id & 31);
    this.elements = new Float64Array(capacity);
    this.present = new Uint32Array(capacity * this.words);
    this.feature = new Uint8Array(capacity * this.slots);
    this.filters = new Int32Array(capacity * this.slots);
    this.kSum = new Float64Array(capacity * this.slots);
    this.convSize = new Float64Array(capacity * this.slots);
    this.needsGrad = new Uint8Array(capacity);
    this.hyperCount = new Int32Array(capacity * hypers);
    this.byteProduct = plainByteProducts(net, this.words);
  }

  /** State `id` := operand k as given. */
  setLeaf(id: number, k: number): void {
    this.setState(id, this.net.leaves[k]!);
  }

  /** State `id` := a tensor state made by Network (an operand or an intermediate). */
  setState(id: number, state: TensorState): void {
    const { net, words, slots, hypers } = this;
    this.present.fill(0, id * words, (id + 1) * words);
    this.hyperCount.fill(0, id * hypers, (id + 1) * hypers);
    state.ids.forEach((i, at) => {
      this.present[id * words + (i >>> 5)]! |= 1 << (i & 31);
      const h = this.hyperSlot[i]!;
      if (h >= 0) this.hyperCount[id * hypers + h] = state.counts[at]!;
    });
    for (let c = 0; c < slots; c++) {
      this.feature[id * slots + c] = state.convFeature[c]!;
      this.filters[id * slots + c] = state.convFilters[c]!;
      this.kSum[id * slots + c] = state.convKSum[c]!;
      this.convSize[id * slots + c] = net.convSize(state, c);
    }
    this.needsGrad[id] = state.needsGrad ? 1 : 0;
    this.elements[id] = net.elementsOf(state);
  }

  /** State `u` := the contraction of states a and b (disjoint operand sets). */
  setUnion(u: number, a: number, b: number): void {
    const { net, words, slots, hypers } = this;
    for (let h = 0; h < hypers; h++) this.hyperCount[u * hypers + h] = this.hyperCount[a * hypers + h]! + this.hyperCount[b * hypers + h]!;
    // An index of one side only is held outside that side, hence outside the union too, unless
    // the side is an operand that alone holds it; an index on both sides is summed when no
    // operand outside the union holds it and the output does not.
    for (let w = 0; w < words; w++) {
      const pa = this.present[a * words + w]!;
      const pb = this.present[b * words + w]!;
      let union = (pa | pb) & ~this.lonely[w]!;
      let shared = pa & pb;
      while (shared !== 0) {
        const low = shared & -shared;
        const id = w * 32 + 31 - Math.clz32(low);
        const h = this.hyperSlot[id]!;
        if (!net.keeps(id, h >= 0 ? this.hyperCount[u * hypers + h]! : 2)) union &= ~low;
        shared ^= low;
      }
      this.present[u * words + w] = union;
    }
    let elements = maskProduct(this.byteProduct, this.present, u * words, u * words, words, true);
    for (let c = 0; c < slots; c++) {
      const at = u * slots + c;
      this.feature[at] = this.feature[a * slots + c]! | this.feature[b * slots + c]!;
      this.filters[at] = this.filters[a * slots + c]! + this.filters[b * slots + c]!;
      this.kSum[at] = this.kSum[a * slots + c]! + this.kSum[b * slots + c]!;
      this.convSize[at] = net.convSizeFor(c, this.feature[at] === 1, this.filters[at]!, this.kSum[at]!);
      if (this.has(u, net.convIds[c]!)) elements *= this.convSize[at]!;
    }
    this.needsGrad[u] = this.needsGrad[a]! | this.needsGrad[b]!;
    this.elements[u] = elements;
  }

  /** Whether the tensors of states a and b share an index (their step is no outer product). */
  shares(a: number, b: number): boolean {
    for (let w = 0; w < this.words; w++) if ((this.present[a * this.words + w]! & this.present[b * this.words + w]!) !== 0) return true;
    return false;
  }

  private has(s: number, id: number): boolean {
    return (this.present[s * this.words + (id >>> 5)]! & (1 << (id & 31))) !== 0;
  }

  /** Same value as Network.stepMacs for the tensors of states a and b, u being their union. */
  stepMacs(a: number, b: number, u: number): number {
    const { words, slots } = this;
    let macs = maskProduct(this.byteProduct, this.present, a * words, b * words, words, false);
    for (let c = 0; c < slots; c++) {
      const id = this.net.convIds[c]!;
      const inA = this.has(a, id);
      const inB = this.has(b, id);
      if (inA && inB) {
        if (this.feature[a * slots + c]) macs *= this.convSize[u * slots + c]! * this.convSize[b * slots + c]!;
        else if (this.feature[b * slots + c]) macs *= this.convSize[u * slots + c]! * this.convSize[a * slots + c]!;
        else macs *= this.convSize[a * slots + c]! * this.convSize[b * slots + c]!;
      } else if (inA) {
        macs *= this.convSize[a * slots + c]!;
      } else if (inB) {
        macs *= this.convSize[b * slots + c]!;
      }
    }
    return macs;
  }

  /** The step's cost under an objective that adds up over steps (see search.ts stepCost). */
  stepCost(objective: Objective, a: number, b: number, u: number): number {
    const macs = this.stepMacs(a, b, u);
    if (objective !== 'training') return macs;
    return macs * (1 + this.needsGrad[a]! + this.needsGrad[b]!);
  }
}
