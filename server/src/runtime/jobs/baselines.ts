/**
 * The plans a benchmark compares (docs/semantics.md section 3): the planner's order, the left-to-right
 * order ((A B) C) ..., and "rebuild the full kernel first, then convolve the layer input"; the
 * trees are the planner's own baselines, so times and MACs describe the same orders.
 */
import type { Plan } from '../../engine/plan.js';
import { planExpression, planFromTree, type PlanOptions } from '../../engine/planner.js';
import type { BaselineName } from './types.js';

export const BASELINES: readonly BaselineName[] = ['optimal', 'left-to-right', 'rebuilt-kernel'];

export interface NamedPlan {
  readonly name: BaselineName;
  readonly plan: Plan;
}

/** The requested plans of one layer, the planner's first; rebuilt-kernel is left out when the layer has no single input. */
export function baselinePlans(expression: string, shapes: readonly (readonly number[])[], options: PlanOptions = {}, names: readonly BaselineName[] = BASELINES): NamedPlan[] {
  const optimal = planExpression(expression, shapes, options);
  const plans: NamedPlan[] = [{ name: 'optimal', plan: optimal }];
  if (names.includes('left-to-right') && shapes.length > 1) {
    plans.push({ name: 'left-to-right', plan: planFromTree(expression, shapes, optimal.naiveTree, options) });
  }
  if (names.includes('rebuilt-kernel') && optimal.rebuiltTree) {
    plans.push({ name: 'rebuilt-kernel', plan: planFromTree(expression, shapes, optimal.rebuiltTree, options) });
  }
  return plans;
}
