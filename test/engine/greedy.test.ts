/**
 * The greedy heuristic against a greedy written here on brute-force.ts's own cost model: at each
 * step the pair of live tensors with the cheapest step, pairs that share an index before outer
 * products (opt_einsum's greedy). Where that choice is never a tie, the engine's first trial
 * (deterministic, by step cost) must build a tree of the same cost.
 */
import { describe, expect, it } from 'vitest';
import { greedySearch } from '../../server/src/engine/greedy.js';
import { Network } from '../../server/src/engine/network.js';
import { analyzeOrThrow } from '../../server/src/engine/shapes.js';
import { randomExpressions, tnnExpression, type GeneratedExpression } from '../helpers/expressions.js';
import { CostModel, type Tree } from './brute-force.js';

/** The reference greedy's cost, or null when some step had two equally cheap pairs. */
function referenceGreedy(model: CostModel): bigint | null {
  let live = Array.from({ length: model.n }, (_, k) => 1 << k);
  const joined = (a: number, b: number) => [...model.holders.values()].some((h) => (h & a) !== 0 && (h & b) !== 0);
  let total = 0n;
  while (live.length > 1) {
    let best: { a: number; b: number; cost: bigint; outer: boolean } | null = null;
    let tie = false;
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) {
        const a = live[i]!;
        const b = live[j]!;
        const outer = !joined(a, b);
        const cost = model.stepMacs(a, b);
        if (!best || (best.outer && !outer) || (best.outer === outer && cost < best.cost)) {
          best = { a, b, cost, outer };
          tie = false;
        } else if (best.outer === outer && cost === best.cost) {
          tie = true;
        }
      }
    }
    if (tie) return null;
    total += best!.cost;
    live = [...live.filter((m) => m !== best!.a && m !== best!.b), best!.a | best!.b];
  }
  return total;
}

function engineGreedy(e: GeneratedExpression, model: CostModel): bigint {
  const net = new Network(analyzeOrThrow(e.text, e.shapes, e.conv));
  const options = { objective: 'flops', memoryCap: Infinity, deadline: Infinity } as const;
  const tree = greedySearch(net, [...Array(e.terms.length).keys()], options, () => 0, { trials: 1 })!;
  return model.treeMacs(tree as Tree);
}

describe('greedy heuristic', () => {
  it('its first trial takes the cheapest pair at every step, as a reference greedy does', () => {
    const cases = [...randomExpressions(300, 7700).filter((e) => e.terms.length >= 3), ...Array.from({ length: 14 }, (_, k) => tnnExpression(4 + k, k + 1))];
    let compared = 0;
    for (const e of cases) {
      const model = new CostModel(e);
      const expected = referenceGreedy(model);
      if (expected === null) continue;
      expect(engineGreedy(e, model), e.text).toBe(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(60);
  });
});
