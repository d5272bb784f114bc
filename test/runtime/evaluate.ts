/** Runs an expression every way the runtime can: the direct evaluator and plans of given trees. */
import type { ConvOptionsMap } from '../../server/src/engine/options.js';
import type { PlanTree } from '../../server/src/engine/plan.js';
import { planExpression, planFromTree } from '../../server/src/engine/planner.js';
import { analyzeOrThrow } from '../../server/src/engine/shapes.js';
import { evaluateDirect } from '../../server/src/runtime/cpu/direct.js';
import { executePlan } from '../../server/src/runtime/cpu/execute.js';
import type { Tensor } from '../../server/src/runtime/cpu/tensor.js';

export function direct(text: string, inputs: readonly Tensor[], conv: ConvOptionsMap = {}): Tensor {
  return evaluateDirect(analyzeOrThrow(text, inputs.map((t) => t.shape), conv), inputs);
}

/** The planner's own choice of tree. */
export function planned(text: string, inputs: readonly Tensor[], conv: ConvOptionsMap = {}): Tensor {
  return executePlan(planExpression(text, inputs.map((t) => t.shape), { conv }), inputs);
}

export function withTree(text: string, inputs: readonly Tensor[], tree: PlanTree, conv: ConvOptionsMap = {}): Tensor {
  return executePlan(planFromTree(text, inputs.map((t) => t.shape), tree, { conv }), inputs);
}

/** A random binary tree over operands 0..n-1: repeatedly join two random subtrees, in random order. */
export function randomTree(n: number, random: () => number): PlanTree {
  const pool: PlanTree[] = Array.from({ length: n }, (_, leaf) => ({ leaf }));
  while (pool.length > 1) {
    const left = pool.splice(Math.floor(random() * pool.length), 1)[0]!;
    const right = pool.splice(Math.floor(random() * pool.length), 1)[0]!;
    pool.push({ left, right });
  }
  return pool[0]!;
}

export function leftToRight(n: number): PlanTree {
  let tree: PlanTree = { leaf: 0 };
  for (let k = 1; k < n; k++) tree = { left: tree, right: { leaf: k } };
  return tree;
}

export const pair = (a: number, b: number): PlanTree => ({ left: { leaf: a }, right: { leaf: b } });
