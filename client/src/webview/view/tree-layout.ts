/**
 * The contraction tree laid out for drawing: d3-hierarchy's tidy tree places the nodes; each step
 * node carries its spec, output shape and MACs as the engine gave them, and a heat level so the
 * costliest steps stand out.
 */
import { hierarchy, tree, type HierarchyPointNode } from 'd3-hierarchy';
import { formatFigure, formatShape } from '../../../../server/src/engine/summary.js';
import type { Plan, PlanStep, PlanTree } from '../../protocol.js';

export const NODE_HEIGHT = 60;
/** Box widths follow the longest label, within these bounds (pixels; labels are 12px monospace). */
const MIN_NODE_WIDTH = 170;
const MAX_NODE_WIDTH = 380;
const CHAR_WIDTH = 7.3;
const TEXT_PADDING = 20;
const GAP_X = 18;
const GAP_Y = 44;
const MARGIN = 12;

/** 3: the costliest step and those close to it; 0: cheap. */
export type Heat = 0 | 1 | 2 | 3;

export interface LaidOutNode {
  readonly kind: 'step' | 'leaf';
  /** Left and top of the node's box. */
  readonly x: number;
  readonly y: number;
  readonly title: string;
  readonly shape: string;
  /** "905.0M MACs" for a step; the operand's indices for a leaf. */
  readonly detail: string;
  readonly heat: Heat;
  /** 1-based evaluation order of a step; 0 for a leaf. */
  readonly order: number;
}

export interface LaidOutLink {
  /** Bottom centre of the parent's box, top centre of the child's. */
  readonly from: { readonly x: number; readonly y: number };
  readonly to: { readonly x: number; readonly y: number };
}

export interface TreeLayout {
  /** Every box is this wide. */
  readonly nodeWidth: number;
  /** How many characters of a label fit in a box. */
  readonly charsPerLine: number;
  readonly nodes: readonly LaidOutNode[];
  readonly links: readonly LaidOutLink[];
  readonly width: number;
  readonly height: number;
}

interface Drawn {
  readonly kind: 'step' | 'leaf';
  readonly step?: PlanStep;
  readonly order: number;
  readonly leaf?: number;
  readonly children: Drawn[];
}

export function layoutPlanTree(plan: Plan, names: readonly string[] = []): TreeLayout {
  const labels = [...plan.steps.map((step) => `${plan.steps.length}. ${step.spec}`), ...names];
  const longest = Math.max(0, ...labels.map((label) => label.length));
  const nodeWidth = Math.round(Math.min(MAX_NODE_WIDTH, Math.max(MIN_NODE_WIDTH, longest * CHAR_WIDTH + TEXT_PADDING)));
  const root = hierarchy(drawnTree(plan), (node) => node.children);
  const placed = tree<Drawn>()
    .nodeSize([nodeWidth + GAP_X, NODE_HEIGHT + GAP_Y])
    .separation(() => 1)(root);
  const all = placed.descendants();
  const minX = Math.min(...all.map((n) => n.x));
  const maxX = Math.max(...all.map((n) => n.x));
  const maxY = Math.max(...all.map((n) => n.y));
  const left = (n: HierarchyPointNode<Drawn>) => n.x - minX + MARGIN;
  const top = (n: HierarchyPointNode<Drawn>) => n.y + MARGIN;
  const maxMacs = Math.max(0, ...plan.steps.map((s) => s.macs));

  const nodes = all.map((n): LaidOutNode => {
    const { step, leaf } = n.data;
    const base = { x: left(n), y: top(n), order: n.data.order };
    if (step) {
      return { ...base, kind: 'step', title: step.spec, shape: formatShape(step.outputShape), detail: `${formatFigure(step.macs, step.exact)} MACs`, heat: heatOf(step.macs, maxMacs) };
    }
    const k = leaf!;
    return {
      ...base,
      kind: 'leaf',
      title: names[k] ?? `op${k + 1}`,
      shape: formatShape(plan.shapes[k] ?? []),
      detail: leafIndices(plan, k),
      heat: 0,
    };
  });
  const links = placed.links().map(({ source, target }) => ({
    from: { x: left(source) + nodeWidth / 2, y: top(source) + NODE_HEIGHT },
    to: { x: left(target) + nodeWidth / 2, y: top(target) },
  }));
  const charsPerLine = Math.floor((nodeWidth - TEXT_PADDING) / CHAR_WIDTH);
  return { nodeWidth, charsPerLine, nodes, links, width: maxX - minX + nodeWidth + 2 * MARGIN, height: maxY + NODE_HEIGHT + 2 * MARGIN };
}

/** The plan's tree with each internal node paired with its step (steps run in post-order). */
function drawnTree(plan: Plan): Drawn {
  const leafNode = (leaf: number): Drawn => ({ kind: 'leaf', leaf, order: 0, children: [] });
  if ('leaf' in plan.tree) {
    const step = plan.steps[0];
    return step ? { kind: 'step', step, order: 1, children: [leafNode(plan.tree.leaf)] } : leafNode(plan.tree.leaf);
  }
  let next = 0;
  const visit = (node: PlanTree): Drawn => {
    if ('leaf' in node) return leafNode(node.leaf);
    const children = [visit(node.left), visit(node.right)];
    const order = ++next;
    return { kind: 'step', step: plan.steps[order - 1], order, children };
  };
  return visit(plan.tree);
}

/** An operand's indices as its first step stores them, e.g. "bshw". */
function leafIndices(plan: Plan, operand: number): string {
  for (const step of plan.steps) {
    const at = step.inputs.indexOf(operand);
    if (at >= 0) return step.inputIndices[at]!.map((i) => (i.length > 1 ? `(${i})` : i)).join('');
  }
  return '';
}

/** Share of the costliest step: the top half is hot, down to a fifth warm, down to 2% mild. */
export function heatOf(macs: number, maxMacs: number): Heat {
  if (maxMacs <= 0) return 0;
  const share = macs / maxMacs;
  return share >= 0.5 ? 3 : share >= 0.2 ? 2 : share >= 0.02 ? 1 : 0;
}
