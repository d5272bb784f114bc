/** Runs a whole plan on float64 tensors, freeing each intermediate after its last use. */
import type { Plan } from '../../engine/plan.js';
import { checkOperands } from '../operands.js';
import { executeStep } from './step.js';
import type { Tensor } from './tensor.js';

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
