/**
 * Plans that are one and the same: a single-step layer, or a layer whose planner order is also
 * its left-to-right order, gives the benchmark the same steps under two or three names. Such
 * plans are measured once and shown as one, so that noise cannot pass for a difference between
 * orders that do not differ.
 */
import type { Plan } from '../../engine/plan.js';

/** What a plan runs: its steps, each with the tensors it reads and writes, their indices and shapes, and its loops. */
export function samePlanKey(plan: Plan): string {
  return JSON.stringify(
    plan.steps.map((s) => [s.inputs, s.output, s.inputIndices, s.inputShapes, s.indices, s.outputShape, s.axes]),
  );
}

/** Per plan: the name of the first earlier plan with the same steps, or null when it is the first of its kind. */
export function sameAsEarlier<P extends { readonly name: string; readonly plan: Plan }>(plans: readonly P[]): (P['name'] | null)[] {
  const first = new Map<string, P['name']>();
  return plans.map(({ name, plan }) => {
    const key = samePlanKey(plan);
    const earlier = first.get(key);
    if (earlier !== undefined) return earlier;
    first.set(key, name);
    return null;
  });
}

const COUNT_WORDS = ['', 'one', 'both', 'all three', 'all four', 'all five'];

/**
 * "all three orders are the same plan", or one clause per repeated plan ("left-to-right is the
 * same plan as optimal"); null when every plan differs.
 */
export function samePlanNote(plans: readonly { readonly name: string; readonly sameAs?: string | null }[]): string | null {
  const repeated = plans.filter((p) => p.sameAs);
  if (repeated.length === 0) return null;
  if (plans.length > 1 && repeated.length === plans.length - 1 && repeated.every((p) => p.sameAs === plans[0]!.name)) {
    return `${COUNT_WORDS[plans.length] ?? `all ${plans.length}`} orders are the same plan, measured once`;
  }
  return repeated.map((p) => `${p.name} is the same plan as ${p.sameAs}, measured once`).join('; ');
}
