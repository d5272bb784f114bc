/**
 * The largest intermediate is over intermediates only (step outputs that a later step consumes,
 * the final output excluded): a plan of one step has none, which every display says instead of
 * "0 elements". Expected sizes are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { planExpression, planFromTree } from '../../server/src/engine/planner.js';
import { formatLargestIntermediate, planSummary } from '../../server/src/engine/summary.js';
import { sumPlans } from '../../server/src/engine/totals.js';

// One step: A[2,3] B[3,4] -> C[2,4].
const oneStep = () => planExpression('ij,jk->ik', [[2, 3], [3, 4]]);
// A[2,3] B[3,4] C[4,5]: (AB)C costs 2*3*4 + 2*4*5 = 24 + 40 = 64 MACs, A(BC) 3*4*5 + 2*3*5 =
// 60 + 30 = 90; the best order's one intermediate is AB, i x k = 2*4 = 8 elements = 32 B of f32.
const twoSteps = () => planExpression('ij,jk,kl->il', [[2, 3], [3, 4], [4, 5]]);

describe('largest intermediate', () => {
  it('is null for a plan of one step, whether pairwise or a lone reduction', () => {
    expect(oneStep().steps).toHaveLength(1);
    expect(oneStep().largestIntermediate).toBeNull();
    expect(planExpression('ij->i', [[3, 4]]).largestIntermediate).toBeNull();
  });

  it('is the size of the intermediate for two steps', () => {
    const plan = twoSteps();
    expect(plan.macs).toBe(64);
    expect(plan.largestIntermediate).toBe(8);
    // A given order: A(BC) holds BC, j x l = 3*5 = 15 elements.
    expect(planFromTree('ij,jk,kl->il', [[2, 3], [3, 4], [4, 5]], { left: { leaf: 0 }, right: { left: { leaf: 1 }, right: { leaf: 2 } } }).largestIntermediate).toBe(15);
  });

  it('reads "none: one step" in the summary, and elements with f32 bytes otherwise', () => {
    expect(planSummary(oneStep())).toMatch(/^ {2}Largest intermediate: +none: one step$/m);
    expect(planSummary(twoSteps())).toMatch(/^ {2}Largest intermediate: +8 elements \(32 B f32\)$/m);
    expect(formatLargestIntermediate(null)).toBe('none: one step');
    expect(formatLargestIntermediate(null, true, 'none: every layer is one step')).toBe('none: every layer is one step');
  });

  it('over layers run in sequence: the largest of those that have one; null when none has', () => {
    expect(sumPlans([oneStep(), oneStep()]).largestIntermediate).toBeNull();
    expect(sumPlans([oneStep(), twoSteps(), oneStep()]).largestIntermediate).toBe(8);
  });
});
