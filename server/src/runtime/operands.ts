/** Inputs must match the shapes a plan was made for, whichever backend runs it. */
import type { Plan } from '../engine/plan.js';
import { formatShape, sameShape, type Tensor } from './cpu/tensor.js';

export function checkOperands(plan: Plan, inputs: readonly Tensor[]): void {
  if (inputs.length !== plan.shapes.length) {
    throw new Error(`${plan.expression} has ${plan.shapes.length} operands, but ${inputs.length} tensors were given`);
  }
  inputs.forEach((t, k) => {
    if (!sameShape(t.shape, plan.shapes[k]!)) {
      throw new Error(`operand ${k + 1} of ${plan.expression} has shape ${formatShape(t.shape)}, but the plan was made for ${formatShape(plan.shapes[k]!)}`);
    }
  });
}
