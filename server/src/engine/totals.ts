/**
 * Figures of several layers run one after another, e.g. the layers of a network: costs add up;
 * memory is the largest of any one layer, since each layer's intermediates are freed before
 * the next layer starts.
 */
import { exactness } from './exact.js';
import type { Exactness, Optimality, Plan } from './plan.js';

export interface PlanTotals extends Exactness {
  readonly layers: number;
  readonly macs: number;
  readonly flops: number;
  readonly naiveMacs: number;
  /** Null when some layer has no rebuilt-kernel baseline. */
  readonly rebuiltMacs: number | null;
  /** The largest of the layers' largest intermediates; null when every layer is one step. */
  readonly largestIntermediate: number | null;
  readonly peakElements: number;
  /**
   * Sums of the layers' design numbers. A layer without a factor adds no dense parameters and its
   * own MACs; the dense sums are null when a layer with factors has no dense kernel.
   */
  readonly params: number;
  readonly constElements: number;
  readonly denseParams: number | null;
  readonly denseMacs: number | null;
  /** params / denseParams of the sums. */
  readonly compression: number | null;
  /** True when every layer's plan is proven optimal. */
  readonly optimal: boolean;
  /** The weakest guarantee of the layers' plans: null when one is heuristic. */
  readonly optimality: Optimality | null;
}

export function sumPlans(plans: readonly Plan[]): PlanTotals {
  const sum = (figure: (plan: Plan) => number) => plans.reduce((total, plan) => total + figure(plan), 0);
  const max = (figure: (plan: Plan) => number) => plans.reduce((most, plan) => Math.max(most, figure(plan)), 0);
  const macs = sum((p) => p.macs);
  const figures = {
    macs,
    flops: 2 * macs,
    naiveMacs: sum((p) => p.naiveMacs),
    rebuiltMacs: sumOrNull(plans, (p) => p.rebuiltMacs),
    largestIntermediate: plans.some((p) => p.largestIntermediate !== null) ? max((p) => p.largestIntermediate ?? 0) : null,
    peakElements: max((p) => p.peakElements),
    params: sum((p) => p.params),
    constElements: sum((p) => p.constElements),
    denseParams: sumOrNull(plans, (p) => (hasNoFactor(p) ? 0 : p.denseParams)),
    denseMacs: sumOrNull(plans, (p) => (hasNoFactor(p) ? p.macs : p.denseMacs)),
  };
  const compression = figures.denseParams ? figures.params / figures.denseParams : null;
  // Sums of exact figures may reach 2^53; a layer's flagged figure makes its sum flagged too.
  return { layers: plans.length, ...figures, compression, ...exactness(figures), optimal: plans.every((p) => p.optimal), optimality: weakestOptimality(plans) };
}

/** A layer of data operands only (a pooling, a sum) has no kernel: a dense network runs it as it is. */
function hasNoFactor(plan: Plan): boolean {
  return plan.dataOperands.length === plan.shapes.length;
}

function sumOrNull(plans: readonly Plan[], figure: (plan: Plan) => number | null): number | null {
  const values = plans.map(figure);
  return values.every((v) => v !== null) ? values.reduce((total: number, v) => total + v!, 0) : null;
}

function weakestOptimality(plans: readonly Plan[]): Optimality | null {
  if (plans.some((p) => p.optimality === null)) return null;
  return plans.some((p) => p.optimality === 'trees without outer products') ? 'trees without outer products' : 'all trees';
}
