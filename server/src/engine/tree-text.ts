/**
 * A plan's contraction tree as indented text, one line per step: its spec, output shape and
 * MACs, then the operands it takes directly (a step's other inputs are the steps indented under
 * it). Shared by editor hovers and anything else that shows the tree.
 *
 *   bhw(rt),(rt)t->bthw  128x64x32x32  67.11M MACs  ← Ut
 *   └─ bshw,(rs)s->bhw(rs)  128x32x32x8  67.11M MACs  ← X, Us
 */
import type { Plan, PlanStep, PlanTree } from './plan.js';
import { formatFigure, formatShape } from './summary.js';

/**
 * `names[k]` labels operand k; operands without a name are shown as op1, op2, ... Past
 * `maxLines` lines, the rest of the tree is counted on a last line instead of drawn.
 */
export function formatPlanTree(plan: Plan, names: readonly string[] = [], maxLines = Infinity): string {
  const label = (k: number) => names[k] ?? `op${k + 1}`;
  const stepLine = (step: PlanStep, leaves: readonly number[]) =>
    `${step.spec}  ${formatShape(step.outputShape)}  ${formatFigure(step.macs, step.exact)} MACs${leaves.length > 0 ? `  ← ${leaves.map(label).join(', ')}` : ''}`;

  if ('leaf' in plan.tree) {
    const step = plan.steps[0];
    return step ? stepLine(step, [plan.tree.leaf]) : `${label(plan.tree.leaf)}  ${formatShape(plan.shapes[plan.tree.leaf] ?? [])}`;
  }

  // Steps are numbered in evaluation order: left subtree, right subtree, then the node itself.
  const stepOf = new Map<PlanTree, PlanStep>();
  let next = 0;
  const number = (node: PlanTree): void => {
    if ('leaf' in node) return;
    number(node.left);
    number(node.right);
    stepOf.set(node, plan.steps[next++]!);
  };
  number(plan.tree);

  const lines: string[] = [];
  const draw = (node: Exclude<PlanTree, { leaf: number }>, prefix: string, branch: string): void => {
    const children = [node.left, node.right];
    const leaves = children.flatMap((child) => ('leaf' in child ? [child.leaf] : []));
    const steps = children.filter((child): child is Exclude<PlanTree, { leaf: number }> => !('leaf' in child));
    lines.push(prefix + branch + stepLine(stepOf.get(node)!, leaves));
    const childPrefix = prefix + (branch === '├─ ' ? '│  ' : branch === '' ? '' : '   ');
    steps.forEach((child, i) => draw(child, childPrefix, i < steps.length - 1 ? '├─ ' : '└─ '));
  };
  draw(plan.tree, '', '');
  if (lines.length <= maxLines) return lines.join('\n');
  const shown = Math.max(1, maxLines - 1);
  return [...lines.slice(0, shown), `… ${lines.length - shown} more steps`].join('\n');
}
