/** Runs a whole plan on float64 tensors, freeing each intermediate after its last use. */
import type { Plan } from '../../engine/plan.js';
import { executeStep } from './step.js';
import { formatShape, sameShape, type Tensor } from './tensor.js';

export function executePlan(plan: Plan, inputs: readonly Tensor[]): Tensor {
  checkOperands(plan, inputs);
  const lastUse = new Map<number, number>();
  plan.steps.forEach((step, i) => step.inputs.forEach((id) => lastUse.set(id, i)));

  const live = new Map<number, Tensor>(inputs.map((t, k) => [k, t]));
  plan.steps.forEach((step, i) => {
    const stepInputs = step.inputs.map((id) => live.get(id)!);
    live.set(step.output, executeStep(step, stepInputs));
    for (const id of step.inputs) {
      if (id >= inputs.length && lastUse.get(id) === i) live.delete(id);
    }
  });
  return live.get(plan.steps.at(-1)!.output)!;
}

function checkOperands(plan: Plan, inputs: readonly Tensor[]): void {
  if (inputs.length !== plan.shapes.length) {
    throw new Error(`${plan.expression} has ${plan.shapes.length} operands, but ${inputs.length} tensors were given`);
  }
  inputs.forEach((t, k) => {
    if (!sameShape(t.shape, plan.shapes[k]!)) {
      throw new Error(`operand ${k + 1} of ${plan.expression} has shape ${formatShape(t.shape)}, but the plan was made for ${formatShape(plan.shapes[k]!)}`);
    }
  });
}
