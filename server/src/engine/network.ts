/**
 * The cost model (docs/semantics.md section 3) over tensor states.
 *
 * A tensor state describes the result of contracting some set of operands: which indices it
 * still has, how many operands under it hold each index (an index is kept while an operand
 * outside the set still holds it, or the output does), and along each conv index whether the
 * feature is inside and how much filter extent has been absorbed. Shapes and costs depend only
 * on these, so the planner, the baselines and the step descriptions all use this one module.
 */
import type { Analysis, ConvInfo } from './shapes.js';

export interface TensorState {
  /** Present index ids, ascending. */
  readonly ids: Int32Array;
  /** For each present index, how many operands under this tensor hold it. */
  readonly counts: Int32Array;
  /** Per conv slot: 1 when the feature is under this tensor. */
  readonly convFeature: Uint8Array;
  /** Per conv slot: number of filters under this tensor. */
  readonly convFilters: Int32Array;
  /** Per conv slot: sum of (K-1) over the filters under this tensor (float64: sizes reach 2^53). */
  readonly convKSum: Float64Array;
  /** Number of operands under this tensor. */
  readonly leafCount: number;
  /** Whether any operand under it requires a gradient (training objective). */
  readonly needsGrad: boolean;
}

export class Network {
  readonly operandCount: number;
  /** Size of every non-conv index (and of conv indices held by one operand); float64, as sizes reach 2^53. */
  readonly plainSize: Float64Array;
  /** Conv slot of an index id, or -1 for an index without conv behaviour. */
  readonly convSlot: Int32Array;
  readonly convs: readonly ConvInfo[];
  readonly convIds: readonly number[];
  readonly totalCount: Int32Array;
  readonly inOutput: Uint8Array;
  readonly leaves: readonly TensorState[];
  readonly names: readonly string[];

  constructor(readonly analysis: Analysis, requiresGrad?: readonly boolean[]) {
    const m = analysis.indices.length;
    this.operandCount = analysis.terms.length;
    this.names = analysis.indices.map((i) => i.name);
    this.plainSize = new Float64Array(m);
    this.convSlot = new Int32Array(m).fill(-1);
    this.totalCount = new Int32Array(m);
    this.inOutput = new Uint8Array(m);
    const convs: ConvInfo[] = [];
    const convIds: number[] = [];
    for (const info of analysis.indices) {
      this.totalCount[info.id] = info.operands.length;
      this.inOutput[info.id] = info.inOutput ? 1 : 0;
      if (info.conv) {
        this.convSlot[info.id] = convs.length;
        convs.push(info.conv);
        convIds.push(info.id);
      } else {
        this.plainSize[info.id] = info.size;
      }
    }
    this.convs = convs;
    this.convIds = convIds;
    this.leaves = analysis.terms.map((term, k) => this.leaf(term, k, requiresGrad?.[k] ?? true));
  }

  private leaf(term: readonly string[], operand: number, needsGrad: boolean): TensorState {
    const ids = Int32Array.from(new Set(term.map((name) => this.analysis.byName.get(name)!.id))).sort();
    const c = this.convs.length;
    const convFeature = new Uint8Array(c);
    const convFilters = new Int32Array(c);
    const convKSum = new Float64Array(c);
    this.convs.forEach((conv, slot) => {
      if (conv.feature === operand) convFeature[slot] = 1;
      const f = conv.filters.indexOf(operand);
      if (f >= 0) {
        convFilters[slot] = 1;
        convKSum[slot] = conv.filterSizes[f]! - 1;
      }
    });
    return { ids, counts: new Int32Array(ids.length).fill(1), convFeature, convFilters, convKSum, leafCount: 1, needsGrad };
  }

  /** Size along conv slot `slot` of a tensor with the given state (docs/semantics.md section 3). */
  convSize(state: TensorState, slot: number): number {
    return this.convSizeFor(slot, state.convFeature[slot] === 1, state.convFilters[slot]!, state.convKSum[slot]!);
  }

  /**
   * Size along a conv index of a tensor that holds the feature or not, `filters` filters and
   * filter extent `kSum` = sum of (K-1): the feature's (unpadded, partly correlated, or strided
   * once complete) size, or the combined filter extent.
   */
  convSizeFor(slot: number, hasFeature: boolean, filters: number, kSum: number): number {
    const conv = this.convs[slot]!;
    if (!hasFeature) return kSum + 1;
    if (filters === 0) return conv.inputSize;
    if (filters === conv.filters.length) return conv.outputSize;
    return conv.inputSize + conv.lo + conv.hi - conv.dilation * kSum;
  }

  /** An index held by `count` operands of a set stays in the set's tensor while others hold it or the output does. */
  keeps(id: number, count: number): boolean {
    return count < this.totalCount[id]! || this.inOutput[id] === 1;
  }

  sizeOf(state: TensorState, id: number): number {
    const slot = this.convSlot[id]!;
    return slot < 0 ? this.plainSize[id]! : this.convSize(state, slot);
  }

  shapeOf(state: TensorState): number[] {
    return Array.from(state.ids, (id) => this.sizeOf(state, id));
  }

  elementsOf(state: TensorState): number {
    let n = 1;
    for (const id of state.ids) n *= this.sizeOf(state, id);
    return n;
  }

  /** The state of contracting a with b. */
  merge(a: TensorState, b: TensorState): TensorState {
    const ids: number[] = [];
    const counts: number[] = [];
    let i = 0;
    let j = 0;
    const keep = (id: number, count: number) => {
      if (this.keeps(id, count)) {
        ids.push(id);
        counts.push(count);
      }
    };
    while (i < a.ids.length || j < b.ids.length) {
      const ia = i < a.ids.length ? a.ids[i]! : Infinity;
      const ib = j < b.ids.length ? b.ids[j]! : Infinity;
      if (ia === ib) keep(ia, a.counts[i++]! + b.counts[j++]!);
      else if (ia < ib) keep(ia, a.counts[i++]!);
      else keep(ib, b.counts[j++]!);
    }
    const c = this.convs.length;
    const convFeature = new Uint8Array(c);
    const convFilters = new Int32Array(c);
    const convKSum = new Float64Array(c);
    for (let s = 0; s < c; s++) {
      convFeature[s] = a.convFeature[s]! | b.convFeature[s]!;
      convFilters[s] = a.convFilters[s]! + b.convFilters[s]!;
      convKSum[s] = a.convKSum[s]! + b.convKSum[s]!;
    }
    return {
      ids: Int32Array.from(ids),
      counts: Int32Array.from(counts),
      convFeature,
      convFilters,
      convKSum,
      leafCount: a.leafCount + b.leafCount,
      needsGrad: a.needsGrad || b.needsGrad,
    };
  }

  /**
   * MACs of the step a x b -> merged: the product over every index of a or b of its factor.
   * `merged` must be merge(a, b); it is passed in because callers already hold it.
   */
  stepMacs(a: TensorState, b: TensorState, merged: TensorState): number {
    let macs = 1;
    let i = 0;
    let j = 0;
    while (i < a.ids.length || j < b.ids.length) {
      const ia = i < a.ids.length ? a.ids[i]! : Infinity;
      const ib = j < b.ids.length ? b.ids[j]! : Infinity;
      if (ia === ib) {
        const slot = this.convSlot[ia]!;
        if (slot < 0) macs *= this.plainSize[ia]!;
        else if (a.convFeature[slot]) macs *= this.convSize(merged, slot) * this.convSize(b, slot);
        else if (b.convFeature[slot]) macs *= this.convSize(merged, slot) * this.convSize(a, slot);
        else macs *= this.convSize(a, slot) * this.convSize(b, slot);
        i++;
        j++;
      } else if (ia < ib) {
        macs *= this.sizeOf(a, ia);
        i++;
      } else {
        macs *= this.sizeOf(b, ib);
        j++;
      }
    }
    return macs;
  }
}
