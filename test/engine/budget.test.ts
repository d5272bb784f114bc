/**
 * The planner never blocks its caller: a cancelled request stops, an exhausted budget falls
 * back to a heuristic plan labelled as such, and repeated requests hit the cache.
 */
import { describe, expect, it } from 'vitest';
import { planExpression, planFromTree } from '../../server/src/engine/planner.js';
import { EngineError } from '../../server/src/engine/problems.js';
import { CancelledError } from '../../server/src/engine/search.js';
import { tnnExpression } from '../helpers/expressions.js';
import { allTrees, CostModel, minBy } from './brute-force.js';

describe('planner budget and cancellation', () => {
  const layer = tnnExpression(14, 3);

  it('stops with CancelledError when the request is already cancelled', () => {
    const controller = new AbortController();
    controller.abort();
    expect(() => planExpression(layer.text, layer.shapes, { conv: layer.conv, signal: controller.signal, budgetMs: 10_000 })).toThrow(CancelledError);
  });

  it('returns a heuristic plan, not proven optimal, when the budget is spent', () => {
    const plan = planExpression(layer.text, layer.shapes, { conv: layer.conv, budgetMs: 0 });
    expect(plan.optimal).toBe(false);
    expect(plan.steps).toHaveLength(13);
    expect(plan.macs).toBeLessThanOrEqual(plan.naiveMacs);
  });

  it('keeps to a small budget end to end on a 300-operand chain, baselines included', () => {
    // A matrix chain (i0)(i1),(i1)(i2),...: far beyond the exact search, and each greedy trial
    // and each baseline search over it takes longer than the whole budget. The bound is a stall
    // bound for a loaded machine (analysis and figures come on top of the budget), not a speed target.
    const operands = 300;
    const budgetMs = 20;
    const terms = Array.from({ length: operands }, (_, i) => `(i${i})(i${i + 1})`);
    const shapes = terms.map((_, i) => [2 + (i % 5), 2 + ((i + 1) % 5)]);
    const started = performance.now();
    const plan = planExpression(`${terms.join(',')}->(i0)(i${operands})`, shapes, { budgetMs });
    const elapsed = performance.now() - started;
    expect(plan.steps).toHaveLength(operands - 1);
    expect(plan.macs).toBeLessThanOrEqual(plan.naiveMacs);
    expect(plan.rebuiltMacs).not.toBeNull();
    expect(elapsed).toBeLessThan(5 * budgetMs + 1000);
  });

  it('gives the exact optimum with a budget, and the heuristic is never below it', () => {
    const exact = planExpression(layer.text, layer.shapes, { conv: layer.conv });
    const heuristic = planExpression(layer.text, layer.shapes, { conv: layer.conv, exactLimit: 1, connectedSearch: false });
    expect(exact.optimal).toBe(true);
    expect(heuristic.optimal).toBe(false);
    expect(heuristic.macs).toBeGreaterThanOrEqual(exact.macs);
  });

  it('returns the cached plan for the same expression, shapes and options', () => {
    const first = planExpression(layer.text, layer.shapes, { conv: layer.conv, objective: 'training' });
    expect(planExpression(layer.text, layer.shapes, { conv: layer.conv, objective: 'training' })).toBe(first);
    expect(planExpression(layer.text, layer.shapes, { conv: layer.conv, objective: 'flops' })).not.toBe(first);
  });

  it('finds the brute-force optimum with the heuristic on small expressions often enough to be useful', () => {
    // Not a correctness property, a quality floor: on 5-operand TNN layers the randomized greedy
    // should hit the true optimum (by brute force) in most cases.
    let hits = 0;
    const total = 20;
    for (let seed = 0; seed < total; seed++) {
      const e = tnnExpression(5, 100 + seed);
      const model = new CostModel(e);
      const best = minBy(allTrees(model), (t) => t.macs)!.macs;
      const plan = planExpression(e.text, e.shapes, { conv: e.conv, exactLimit: 1 });
      if (BigInt(plan.macs) === best) hits++;
    }
    expect(hits).toBeGreaterThanOrEqual(total * 0.7);
  });
});

describe('planFromTree', () => {
  it('refuses a tree that leaves out or repeats an operand', () => {
    const text = 'ab,bc,cd->ad';
    const shapes = [[2, 3], [3, 4], [4, 5]];
    const missing = { left: { leaf: 0 }, right: { leaf: 1 } };
    const repeated = { left: { left: { leaf: 0 }, right: { leaf: 1 } }, right: { leaf: 1 } };
    expect(() => planFromTree(text, shapes, missing)).toThrow(/each of the 3 operands/);
    expect(() => planFromTree(text, shapes, repeated)).toThrow(EngineError);
    // ((0 1) 2): 2*3*4 + 2*4*5 = 24 + 40 = 64 MACs.
    expect(planFromTree(text, shapes, { left: missing, right: { leaf: 2 } }).macs).toBe(64);
  });
});
