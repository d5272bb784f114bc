/**
 * A plan's contraction tree as indented text: each step with its spec, output shape and MACs,
 * each leaf with its operand name and shape. Shared by editor hovers and anything else that
 * shows the tree.
 *
 *   bshw,rthw->bthw|hw  128x64x32x32  905.0M MACs
 *   ├─ X  128x64x32x32
 *   └─ rs,rthw->sthw  16x64x3x3  ...
 */
import type { Plan, PlanStep, PlanTree } from './plan.js';
import { formatFigure, formatShape } from './summary.js';

/** `names[k]` labels operand k; operands without a name are shown as op1, op2, ... */
export function formatPlanTree(plan: Plan, names: readonly string[] = []): string {
  const label = (k: number) => names[k] ?? `op${k + 1}`;
  const stepLine = (step: PlanStep) => `${step.spec}  ${formatShape(step.outputShape)}  ${formatFigure(step.macs, step.exact)} MACs`;
  const leafLine = (k: number) => `${label(k)}  ${formatShape(plan.shapes[k] ?? [])}`;

  if ('leaf' in plan.tree) {
    const step = plan.steps[0];
    return step ? [stepLine(step), `└─ ${leafLine(plan.tree.leaf)}`].join('\n') : leafLine(plan.tree.leaf);
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
  const draw = (node: PlanTree, prefix: string, branch: string): void => {
    lines.push(prefix + branch + ('leaf' in node ? leafLine(node.leaf) : stepLine(stepOf.get(node)!)));
    if ('leaf' in node) return;
    const childPrefix = prefix + (branch === '├─ ' ? '│  ' : branch === '' ? '' : '   ');
    draw(node.left, childPrefix, '├─ ');
    draw(node.right, childPrefix, '└─ ');
  };
  draw(plan.tree, '', '');
  return lines.join('\n');
}
