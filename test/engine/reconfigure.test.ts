/**
 * Subtree reconfiguration against brute force: on up to 8 operands the root's top opens down to
 * every operand, so one pass from any tree must reach the optimum over all trees that
 * brute-force.ts enumerates with its own cost model; past that the tree only gets cheaper, keeps
 * every operand once, keeps to the memory cap, and its cost is the one the model computes.
 */
import { describe, expect, it } from 'vitest';
import { Network } from '../../server/src/engine/network.js';
import type { PlanTree } from '../../server/src/engine/plan.js';
import { planExpression } from '../../server/src/engine/planner.js';
import { reconfigure } from '../../server/src/engine/reconfigure.js';
import { analyzeOrThrow } from '../../server/src/engine/shapes.js';
import { makeRng, randomExpressions, tnnExpression } from '../helpers/expressions.js';
import { allTrees, CostModel, countLeaves, minBy, randomTree, type Tree } from './brute-force.js';

const cases = randomExpressions(160, 9100).filter((e) => e.terms.length >= 3);
const forever = { memoryCap: Infinity, deadline: Infinity } as const;

function leavesOf(tree: PlanTree): number[] {
  return 'leaf' in tree ? [tree.leaf] : [...leavesOf(tree.left), ...leavesOf(tree.right)];
}

describe('subtree reconfiguration', () => {
  it('from a random tree of up to 7 operands, reaches the brute-force optimum (flops)', () => {
    const rng = makeRng(3);
    for (const e of cases) {
      const model = new CostModel(e);
      const net = new Network(analyzeOrThrow(e.text, e.shapes, e.conv));
      const start = randomTree(e.terms.length, rng.next);
      const result = reconfigure(net, start, { ...forever, objective: 'flops' });
      expect(BigInt(result.before), e.text).toBe(model.treeMacs(start));
      expect(model.treeMacs(result.tree as Tree), e.text).toBe(minBy(allTrees(model), (t) => t.macs)!.macs);
      expect(BigInt(result.after)).toBe(model.treeMacs(result.tree as Tree));
    }
  });

  it('and the training optimum, with some operands needing no gradient', () => {
    const rng = makeRng(4);
    for (const e of cases.slice(0, 60)) {
      const requiresGrad = e.terms.map(() => rng.chance(0.5));
      const model = new CostModel(e);
      const net = new Network(analyzeOrThrow(e.text, e.shapes, e.conv), requiresGrad);
      const result = reconfigure(net, randomTree(e.terms.length, rng.next), { ...forever, objective: 'training' });
      expect(model.treeTraining(result.tree as Tree, requiresGrad), e.text).toBe(minBy(allTrees(model, requiresGrad), (t) => t.training)!.training);
    }
  });

  it('under a memory cap: the cheapest tree among those whose intermediates fit, from a tree that fits', () => {
    const rng = makeRng(5);
    let checked = 0;
    for (const e of cases) {
      const model = new CostModel(e);
      const trees = allTrees(model);
      const start = randomTree(e.terms.length, rng.next);
      const cap = model.treeLargestIntermediate(start) ?? 0n;
      const fitting = trees.filter((t) => t.largestIntermediate <= cap);
      const net = new Network(analyzeOrThrow(e.text, e.shapes, e.conv));
      const result = reconfigure(net, start, { objective: 'flops', memoryCap: Number(cap), deadline: Infinity });
      expect((model.treeLargestIntermediate(result.tree as Tree) ?? 0n) <= cap, e.text).toBe(true);
      expect(model.treeMacs(result.tree as Tree), e.text).toBe(minBy(fitting, (t) => t.macs)!.macs);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('on larger layers: never worse, every operand once, the cost the model computes', () => {
    const rng = makeRng(6);
    for (const n of [10, 12, 16]) {
      const e = tnnExpression(n, n);
      const model = new CostModel(e);
      const net = new Network(analyzeOrThrow(e.text, e.shapes, e.conv));
      const start = randomTree(n, rng.next);
      const result = reconfigure(net, start, { ...forever, objective: 'flops' });
      expect(result.after).toBeLessThanOrEqual(result.before);
      expect(result.after).toBeLessThan(result.before);
      expect(leavesOf(result.tree).sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      expect(countLeaves(result.tree as Tree)).toBe(n);
      expect(Number(model.treeMacs(result.tree as Tree))).toBe(result.after);
    }
  });

  it('in the planner: a heuristic plan is never worse with it than without', () => {
    for (const n of [20, 30]) {
      const e = tnnExpression(n, 2 * n);
      const options = { conv: e.conv, exactLimit: 0, connectedSearch: false, budgetMs: 60_000 };
      const without = planExpression(e.text, e.shapes, { ...options, reconfigure: false });
      const withIt = planExpression(e.text, e.shapes, options);
      expect(withIt.optimal).toBe(false);
      expect(withIt.macs).toBeLessThanOrEqual(without.macs);
    }
  });
});
