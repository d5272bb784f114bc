/**
 * The plan view's tree layout: one box per step and per operand, in the engine's step order, with
 * the engine's figures; links join each step to its two inputs; the costliest step stands out.
 */
import { describe, expect, it } from 'vitest';
import { planExpression } from '../../server/src/engine/planner.js';
import { formatCount, formatShape } from '../../server/src/engine/summary.js';
import { heatOf, layoutPlanTree, NODE_HEIGHT, type LaidOutNode } from '../../client/src/webview/view/tree-layout.js';

const CP = 'bshw,rt,rs,rh,rw->bthw|hw';
const CP_SHAPES = [[128, 64, 32, 32], [16, 64], [16, 64], [16, 3], [16, 3]];

describe('layoutPlanTree', () => {
  const plan = planExpression(CP, CP_SHAPES);
  const layout = layoutPlanTree(plan, ['X', 'Ut', 'Us', 'Kh', 'Kw']);
  const steps = layout.nodes.filter((n) => n.kind === 'step');
  const leaves = layout.nodes.filter((n) => n.kind === 'leaf');

  it('draws every step and every operand once', () => {
    expect(steps).toHaveLength(plan.steps.length);
    expect(leaves.map((l) => l.title).sort()).toEqual(['Kh', 'Kw', 'Us', 'Ut', 'X']);
    expect(layout.links).toHaveLength(layout.nodes.length - 1);
  });

  it("labels each step with the engine's spec, shape and MACs of the step it numbers", () => {
    for (const node of steps) {
      const step = plan.steps[node.order - 1]!;
      expect(node.title).toBe(step.spec);
      expect(node.shape).toBe(formatShape(step.outputShape));
      expect(node.detail).toBe(`${formatCount(step.macs)} MACs`);
    }
  });

  it('marks a step beyond exact range with ≈', () => {
    // 2^51 * 4 * 1 = 2^53 MACs = 9.007P, 2^53 or more: flagged by the engine.
    const [node] = layoutPlanTree(planExpression('ab,bc->ac', [[2 ** 51, 4], [4, 1]])).nodes.filter((n) => n.kind === 'step');
    expect(node!.detail).toBe('≈9.007P MACs');
  });

  it('labels operands with their shape and indices', () => {
    const x = leaves.find((l) => l.title === 'X')!;
    expect(x.shape).toBe('128x64x32x32');
    expect(x.detail).toBe('bshw');
  });

  it('makes the boxes wide enough for the longest step spec', () => {
    const longest = Math.max(...steps.map((n) => `${n.order}. ${n.title}`.length));
    expect(layout.charsPerLine).toBeGreaterThanOrEqual(longest);
  });

  it('marks the costliest step hottest', () => {
    const costliest = Math.max(...plan.steps.map((s) => s.macs));
    const hottest = steps.filter((n) => n.heat === 3).map((n) => plan.steps[n.order - 1]!.macs);
    expect(hottest).toContain(costliest);
  });

  it('puts the root on top and keeps boxes inside the picture without overlaps', () => {
    const root = steps.find((n) => n.order === plan.steps.length)!;
    expect(Math.min(...layout.nodes.map((n) => n.y))).toBe(root.y);
    for (const node of layout.nodes) {
      expect(node.x).toBeGreaterThanOrEqual(0);
      expect(node.x + layout.nodeWidth).toBeLessThanOrEqual(layout.width);
      expect(node.y + NODE_HEIGHT).toBeLessThanOrEqual(layout.height);
    }
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b || a.y !== b.y) continue;
        expect(Math.abs(a.x - b.x)).toBeGreaterThanOrEqual(layout.nodeWidth);
      }
    }
  });

  it('writes named indices of an operand in parentheses, as the expression does', () => {
    const tucker = planExpression('bshw,(r1)t,(r2)s,(r1)(r2)hw->bthw|hw', [[2, 6, 8, 8], [3, 5], [4, 6], [3, 4, 3, 3]]);
    const drawn = layoutPlanTree(tucker, ['X', 'U', 'V', 'G']);
    const details = Object.fromEntries(drawn.nodes.filter((n) => n.kind === 'leaf').map((n) => [n.title, n.detail]));
    expect(details).toEqual({ X: 'bshw', U: '(r1)t', V: '(r2)s', G: '(r1)(r2)hw' });
  });

  it('draws a one-operand expression as its reduction over the operand', () => {
    const reduction = planExpression('ij->i', [[3, 4]]);
    const drawn = layoutPlanTree(reduction);
    expect(drawn.nodes.map((n) => n.kind).sort()).toEqual(['leaf', 'step']);
  });
});

describe('heatOf', () => {
  it('grades a step by its share of the costliest step', () => {
    expect([100, 60, 30, 5, 1].map((macs) => heatOf(macs, 100))).toEqual([3, 3, 2, 1, 0]);
    expect(heatOf(0, 0)).toBe(0);
  });
});

describe('layoutPlanTree step numbers', () => {
  // A chain with thin k and thin i, m: (A B)(C D) costs 2*100*2 + 2*100*2 + 2*2*2 = 808 MACs,
  // ((A B) C) D costs 400 + 400 + 400 = 1200, and every order through a j-l intermediate more.
  // The steps run in post-order, left subtree first: 1. A B, 2. C D, 3. the two results.
  const plan = planExpression('ij,jk,kl,lm->im', [[2, 100], [100, 2], [2, 100], [100, 2]]);
  const layout = layoutPlanTree(plan, ['A', 'B', 'C', 'D']);

  /** Titles of the boxes a box links down to, found through the links' end points. */
  function childrenOf(node: LaidOutNode): string[] {
    const bottom = { x: node.x + layout.nodeWidth / 2, y: node.y + NODE_HEIGHT };
    return layout.links
      .filter((l) => l.from.x === bottom.x && l.from.y === bottom.y)
      .map((l) => layout.nodes.find((n) => n.x + layout.nodeWidth / 2 === l.to.x && n.y === l.to.y)!)
      .map((n) => (n.kind === 'step' ? `step ${n.order}` : n.title))
      .sort();
  }

  it('numbers each step by when it runs, over the boxes it takes its inputs from', () => {
    expect(plan.macs).toBe(808);
    const steps = layout.nodes.filter((n) => n.kind === 'step').sort((a, b) => a.order - b.order);
    expect(steps.map((n) => [n.order, n.title, childrenOf(n)])).toEqual([
      [1, 'ij,jk->ik', ['A', 'B']],
      [2, 'kl,lm->km', ['C', 'D']],
      [3, 'ik,km->im', ['step 1', 'step 2']],
    ]);
    expect(steps.map((n) => n.detail)).toEqual(['400 MACs', '400 MACs', '8 MACs']);
  });
});
