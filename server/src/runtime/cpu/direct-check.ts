/**
 * Checking a plan's output against the direct evaluation within a bound. The direct evaluation
 * sums one product per combination of the expression's variables (see direct.ts), which for a
 * real layer is far more work than the plan; past a limit on that count the check evaluates a
 * seeded random sample of output elements directly instead, as many as the limit allows.
 */
import type { Analysis } from '../../engine/shapes.js';
import { seededRandom } from '../../engine/random.js';
import { compare, type Comparison } from '../compare.js';
import { directCost, evaluateDirect, evaluateDirectAt, type DirectCost } from './direct.js';
import type { Tensor } from './tensor.js';

/** Products the direct check may sum by default: a few seconds on one core. */
export const DEFAULT_CHECK_LIMIT = 1e8;

export type DirectCheckScope =
  | { readonly kind: 'full'; readonly cost: DirectCost }
  | { readonly kind: 'sampled'; readonly positions: number; readonly cost: DirectCost }
  /** Not even one output element fits in the limit. */
  | { readonly kind: 'refused'; readonly cost: DirectCost };

export interface DirectCheck extends Comparison {
  /** Output elements compared. */
  readonly positions: number;
  readonly outputElements: number;
  readonly sampled: boolean;
  /** Products the full direct evaluation would sum. */
  readonly fullProducts: number;
}

export function directCheckScope(analysis: Analysis, limit: number): DirectCheckScope {
  const cost = directCost(analysis);
  if (cost.products <= limit) return { kind: 'full', cost };
  // At most half the outputs, so that drawing distinct positions stays quick.
  const positions = Math.min(Math.floor(limit / cost.productsPerElement), Math.floor(cost.outputElements / 2));
  return positions >= 1 ? { kind: 'sampled', positions, cost } : { kind: 'refused', cost };
}

/** Compares `output` with the direct evaluation in the given scope; sampled positions come from `seed`. */
export function checkAgainstDirect(analysis: Analysis, inputs: readonly Tensor[], output: Tensor, scope: DirectCheckScope, seed: number): DirectCheck {
  const figures = { outputElements: scope.cost.outputElements, fullProducts: scope.cost.products };
  if (scope.kind === 'refused') throw new Error(`the direct check needs ${scope.cost.productsPerElement} products for one output element, over its limit`);
  if (scope.kind === 'full') {
    return { ...compare(output.data, evaluateDirect(analysis, inputs).data), positions: output.data.length, sampled: false, ...figures };
  }
  const offsets = samplePositions(scope.cost.outputElements, scope.positions, seed);
  const reference = evaluateDirectAt(analysis, inputs, offsets);
  return { ...compare(offsets.map((o) => output.data[o]!), reference), positions: offsets.length, sampled: true, ...figures };
}

/** `count` distinct offsets below `total` (count at most total / 2), in increasing order. */
function samplePositions(total: number, count: number, seed: number): number[] {
  const random = seededRandom(seed);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(random() * total));
  return [...chosen].sort((a, b) => a - b);
}
