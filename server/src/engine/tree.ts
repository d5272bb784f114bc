/**
 * From a contraction tree to what users and executors see: the steps in evaluation order
 * (left child first), the opt_einsum-style path and the figures of docs/semantics.md section 3.
 */
import { isExact } from './exact.js';
import type { Network, TensorState } from './network.js';
import { formatSpec } from './notation.js';
import type { Objective } from './options.js';
import type { PlanStep, PlanTree, StepAxis, StepKind } from './plan.js';
import { elementCount } from './summary.js';

export interface TreeDescription {
  readonly steps: PlanStep[];
  readonly path: number[][];
  readonly macs: number;
  /** Null for one step: no intermediate. */
  readonly largestIntermediate: number | null;
  readonly peakElements: number;
  readonly objectiveValue: number;
}

export function leftToRightTree(operandCount: number): PlanTree {
  let tree: PlanTree = { leaf: 0 };
  for (let k = 1; k < operandCount; k++) tree = { left: tree, right: { leaf: k } };
  return tree;
}

interface Built {
  readonly id: number;
  readonly state: TensorState;
  readonly indices: readonly string[];
  readonly shape: readonly number[];
  readonly operands: readonly number[];
}

export function describeTree(net: Network, tree: PlanTree, objective: Objective): TreeDescription {
  const { analysis } = net;
  const n = net.operandCount;
  const steps: PlanStep[] = [];
  let trainingMacs = 0;

  const leaf = (k: number): Built => ({ id: k, state: net.leaves[k]!, indices: analysis.terms[k]!, shape: analysis.shapes[k]!, operands: [k] });
  const visit = (node: PlanTree, isRoot: boolean): Built => {
    if ('leaf' in node) return leaf(node.leaf);
    const a = visit(node.left, false);
    const b = visit(node.right, false);
    const merged = net.merge(a.state, b.state);
    const indices = isRoot ? analysis.output : Array.from(merged.ids, (id) => net.names[id]!);
    const shape = indices.map((name) => net.sizeOf(merged, analysis.byName.get(name)!.id));
    const macs = net.stepMacs(a.state, b.state, merged);
    trainingMacs += macs * (1 + (a.state.needsGrad ? 1 : 0) + (b.state.needsGrad ? 1 : 0));
    const axes = stepAxes(net, a.state, b.state, merged);
    const id = n + steps.length;
    steps.push({
      inputs: [a.id, b.id],
      output: id,
      inputIndices: [a.indices, b.indices],
      inputShapes: [a.shape, b.shape],
      indices,
      outputShape: shape,
      spec: formatSpec([a.indices, b.indices], indices, axes.filter((x) => x.role !== 'plain').map((x) => x.name)),
      kind: stepKind(axes),
      macs,
      axes,
      operands: [...a.operands, ...b.operands],
      exact: isExact(macs) && isExact(elementCount(shape)),
    });
    return { id, state: merged, indices, shape, operands: [...a.operands, ...b.operands] };
  };

  if ('leaf' in tree) {
    steps.push(reductionStep(net, tree.leaf));
  } else {
    visit(tree, true);
  }
  const macs = steps.reduce((sum, s) => sum + s.macs, 0);
  const { largestIntermediate, peakElements } = memoryFigures(steps, n);
  const objectiveValue = objective === 'training' ? ('leaf' in tree ? macs : trainingMacs) : objective === 'memory' ? peakElements : macs;
  return { steps, path: linearPath(steps, n), macs, largestIntermediate, peakElements, objectiveValue };
}

/** A one-operand expression: sum the reduced indices, take diagonals, permute. */
function reductionStep(net: Network, k: number): PlanStep {
  const { analysis } = net;
  const state = net.leaves[k]!;
  const kept = new Set(analysis.output);
  const macs = net.elementsOf(state);
  const axes: StepAxis[] = Array.from(state.ids, (id) => {
    const name = net.names[id]!;
    return { name, inA: true, inB: false, kept: kept.has(name), role: 'plain', size: net.sizeOf(state, id) };
  });
  return {
    inputs: [k],
    output: net.operandCount,
    inputIndices: [analysis.terms[k]!],
    inputShapes: [analysis.shapes[k]!],
    indices: analysis.output,
    outputShape: analysis.outputShape,
    spec: formatSpec([analysis.terms[k]!], analysis.output, []),
    kind: 'reduction',
    macs,
    axes,
    operands: [k],
    exact: isExact(macs) && isExact(elementCount(analysis.outputShape)),
  };
}

function stepAxes(net: Network, a: TensorState, b: TensorState, merged: TensorState): StepAxis[] {
  const ids = [...new Set([...a.ids, ...b.ids])].sort((x, y) => x - y);
  const keptIds = new Set(merged.ids);
  return ids.map((id): StepAxis => {
    const name = net.names[id]!;
    const inA = a.ids.includes(id);
    const inB = b.ids.includes(id);
    const kept = keptIds.has(id);
    const slot = net.convSlot[id]!;
    if (slot < 0 || !(inA && inB)) {
      return { name, inA, inB, kept, role: 'plain', size: net.sizeOf(inA ? a : b, id) };
    }
    const size = net.convSize(merged, slot);
    if (!a.convFeature[slot] && !b.convFeature[slot]) return { name, inA, inB, kept, role: 'full', size };
    const conv = net.convs[slot]!;
    const [feature, filter] = a.convFeature[slot] ? [a, b] : [b, a];
    const complete = merged.convFilters[slot] === conv.filters.length;
    return {
      name,
      inA,
      inB,
      kept,
      role: 'correlate',
      size,
      feature: feature === a ? 'a' : 'b',
      filterSize: net.convSize(filter, slot),
      stride: complete ? conv.stride : 1,
      dilation: conv.dilation,
      ...(feature.convFilters[slot] === 0 ? { pad: { lo: conv.lo, hi: conv.hi, mode: conv.mode } } : {}),
    };
  });
}

function stepKind(axes: readonly StepAxis[]): StepKind {
  if (axes.some((x) => x.role === 'correlate')) return 'convolution';
  if (axes.some((x) => x.role === 'full')) return 'filter-convolution';
  if (axes.some((x) => !x.kept)) return 'contraction';
  return axes.some((x) => x.inA && x.inB) ? 'batched-product' : 'outer-product';
}

/**
 * Largest intermediate (the final output excluded, so none for one step) and peak live elements
 * when the steps run in order, each intermediate freed after its last use; operands count zero,
 * as they exist anyway.
 */
function memoryFigures(steps: readonly PlanStep[], n: number): { largestIntermediate: number | null; peakElements: number } {
  let largestIntermediate: number | null = null;
  let peakElements = 0;
  let live = 0;
  const sizes = new Map<number, number>();
  steps.forEach((step, i) => {
    const size = elementCount(step.outputShape);
    if (i < steps.length - 1) largestIntermediate = Math.max(largestIntermediate ?? 0, size);
    peakElements = Math.max(peakElements, live + size);
    for (const input of step.inputs) {
      if (input >= n) live -= sizes.get(input)!;
    }
    live += size;
    sizes.set(step.output, size);
  });
  return { largestIntermediate, peakElements };
}

function linearPath(steps: readonly PlanStep[], n: number): number[][] {
  const live = [...Array(n).keys()];
  return steps.map((step) => {
    const positions = step.inputs.map((id) => live.indexOf(id)).sort((x, y) => x - y);
    for (const p of [...positions].reverse()) live.splice(p, 1);
    live.push(step.output);
    return positions;
  });
}

/** Reorders children so that the one whose evaluation needs more memory runs first (MACs unchanged). */
export function orderForPeak(net: Network, tree: PlanTree): PlanTree {
  const visit = (node: PlanTree): { tree: PlanTree; state: TensorState; size: number; peak: number } => {
    if ('leaf' in node) return { tree: node, state: net.leaves[node.leaf]!, size: 0, peak: 0 };
    const l = visit(node.left);
    const r = visit(node.right);
    const state = net.merge(l.state, r.state);
    const size = net.elementsOf(state);
    const lFirst = Math.max(l.peak, l.size + r.peak, l.size + r.size + size);
    const rFirst = Math.max(r.peak, r.size + l.peak, l.size + r.size + size);
    return rFirst < lFirst
      ? { tree: { left: r.tree, right: l.tree }, state, size, peak: rFirst }
      : { tree: { left: l.tree, right: r.tree }, state, size, peak: lFirst };
  };
  return visit(tree).tree;
}
