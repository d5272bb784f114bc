/** The plan the planner returns: the tree, an opt_einsum-style path, the steps and the figures. */
import type { Objective, PaddingMode } from './options.js';

/** A binary contraction tree over operand numbers; `left` is evaluated first. */
export type PlanTree = { readonly leaf: number } | { readonly left: PlanTree; readonly right: PlanTree };

export type StepKind =
  | 'convolution' // a feature meets a filter along some conv index
  | 'filter-convolution' // two filters meet: full convolution, K1+K2-1
  | 'contraction' // some index is summed
  | 'batched-product' // shared indices, all kept
  | 'outer-product' // nothing shared
  | 'reduction'; // a single operand summed or permuted (one-operand expressions)

/**
 * How one index behaves in one step, for executors. Every index of either input appears once.
 * - plain: one loop of `size`, shared by whichever inputs hold it.
 * - correlate: out[o] += feature[o*stride + dilation*k] * filter[k], o < size, k < filterSize;
 *   the feature is padded first when `pad` is present (its first conv step along the index).
 * - full: out[ka+kb] += a[ka] * b[kb]; size = Ka + Kb - 1.
 */
export interface StepAxis {
  readonly name: string;
  readonly inA: boolean;
  readonly inB: boolean;
  /** Whether the step's output keeps the index (otherwise it is summed). */
  readonly kept: boolean;
  readonly role: 'plain' | 'correlate' | 'full';
  /** Loop extent for plain; output extent for correlate and full. */
  readonly size: number;
  readonly feature?: 'a' | 'b';
  readonly filterSize?: number;
  readonly stride?: number;
  readonly dilation?: number;
  readonly pad?: { readonly lo: number; readonly hi: number; readonly mode: PaddingMode };
}

export interface PlanStep {
  /** Tensor ids: 0..n-1 are the operands, n+i is the output of step i. One id for a reduction. */
  readonly inputs: readonly number[];
  readonly output: number;
  /** Index names of each input as stored (a leaf keeps its term, repeats included). */
  readonly inputIndices: readonly (readonly string[])[];
  readonly inputShapes: readonly (readonly number[])[];
  /** Index names of the output, in storage order (the final step uses the expression's output order). */
  readonly indices: readonly string[];
  readonly outputShape: readonly number[];
  /** The step as a conv_einsum string, e.g. "bshw,rs->brhw|hw" (conv list: indices convolved in this step). */
  readonly spec: string;
  readonly kind: StepKind;
  readonly macs: number;
  readonly axes: readonly StepAxis[];
  /** Operands under the step's output. */
  readonly operands: readonly number[];
  /** False when the step's MACs or output elements are 2^53 or more, beyond exact range (rounded). */
  readonly exact: boolean;
}

export interface PlanFigures {
  readonly macs: number;
  readonly flops: number;
  /**
   * Elements of the largest intermediate: the output of a step that a later step consumes.
   * Null when the plan is one step, so there is no intermediate (not an intermediate of 0).
   */
  readonly largestIntermediate: number | null;
  readonly peakElements: number;
}

/** The figures a plan or a sum of plans reports, by name. */
export type FigureName = 'macs' | 'flops' | 'naiveMacs' | 'rebuiltMacs' | 'largestIntermediate' | 'peakElements' | 'objectiveValue' | 'params' | 'constElements' | 'denseParams' | 'denseMacs';

/** Which figures are beyond exact range: 2^53 or more, so float64 rounded them (see exact.ts). */
export interface Exactness {
  /** True when every figure, per step ones included, is below 2^53 and so exact. */
  readonly exact: boolean;
  /** The figures at 2^53 or more, which every display marks as beyond exact range. */
  readonly inexactFigures: readonly FigureName[];
}

/**
 * The guarantee of an exact search: the subset DP covers all trees, outer products included; the
 * connected-subgraph search covers the trees whose every step joins tensors sharing an index.
 */
export type Optimality = 'all trees' | 'trees without outer products';

export interface Plan extends PlanFigures, Exactness {
  readonly expression: string;
  readonly shapes: readonly (readonly number[])[];
  readonly objective: Objective;
  readonly outputIndices: readonly string[];
  readonly outputShape: readonly number[];
  readonly tree: PlanTree;
  /** opt_einsum-style: positions in the shrinking operand list, the result appended at the end. */
  readonly path: readonly (readonly number[])[];
  readonly steps: readonly PlanStep[];
  /** True when the search proved the tree optimal for the objective (over the trees `optimality` names). */
  readonly optimal: boolean;
  /** Which trees the tree is proven optimal among; null for a heuristic tree (docs/semantics.md section 4). */
  readonly optimality: Optimality | null;
  /** MACs of the left-to-right order ((A B) C) ... */
  readonly naiveMacs: number;
  /** The left-to-right tree, for executors that time the baselines. */
  readonly naiveTree: PlanTree;
  /** MACs of rebuilding the full kernel first, then convolving the layer input; null without a layer input. */
  readonly rebuiltMacs: number | null;
  /** The rebuilt-kernel tree: the layer input, then the kernel contracted in its cheapest order. */
  readonly rebuiltTree: PlanTree | null;
  /** The data operands (layer inputs); the others are the factors. */
  readonly dataOperands: readonly number[];
  /** Elements of the factors that need a gradient: the layer's parameters. */
  readonly params: number;
  /** Elements of the factors that need no gradient (`const`), counted apart. */
  readonly constElements: number;
  /** Elements of the dense kernel the factors stand for (the rebuilt-kernel baseline's kernel); null without that baseline. */
  readonly denseParams: number | null;
  /** params / denseParams; null without a dense kernel. */
  readonly compression: number | null;
  /** MACs of one pass with the dense kernel (the rebuilt-kernel plan's last step); null without it. */
  readonly denseMacs: number | null;
  /** Objective value: MACs, training MACs (forward + gradients), or peak elements. */
  readonly objectiveValue: number;
  readonly planMs: number;
}
