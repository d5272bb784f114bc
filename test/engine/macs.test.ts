/**
 * MAC counts of a few layers, worked out by hand (docs/semantics.md section 3): for a step A x B, MACs is
 * the product over every index of A or B of: its size (plain, or conv in one side only);
 * K_A * K_B (conv, two filters: full convolution); O_step * K_filter (conv, feature x filter).
 * The brute-force model is asked too, as a third opinion on the optimum.
 */
import { describe, expect, it } from 'vitest';
import { planExpression, planFromTree } from '../../server/src/engine/planner.js';
import type { PlanTree } from '../../server/src/engine/plan.js';
import { allTrees, CostModel, minBy, readExpression } from './brute-force.js';

const leaf = (k: number): PlanTree => ({ leaf: k });
const node = (left: PlanTree, right: PlanTree): PlanTree => ({ left, right });

function bruteMin(text: string, shapes: number[][], conv: Record<string, object> = {}): number {
  const model = new CostModel({ ...readExpression(text), shapes, conv });
  return Number(minBy(allTrees(model), (t) => t.macs)!.macs);
}

describe('standard 3x3 conv bshw,tshw->bthw|hw', () => {
  // B = 2, S = 3, T = 4, H = W = 8, K = 3, same padding (lo = hi = 1): O = 8 along h and w.
  // One step: b 2 * s 3 * t 4 * h (O 8 * K 3) * w (O 8 * K 3) = B*T*S*H*W*9 = 2*4*3*64*9 = 13824.
  const text = 'bshw,tshw->bthw|hw';
  const shapes = [[2, 3, 8, 8], [4, 3, 3, 3]];

  it('13824 MACs, 27648 FLOPs, output 2x4x8x8', () => {
    const plan = planExpression(text, shapes);
    expect(plan.macs).toBe(13824);
    expect(plan.flops).toBe(27648);
    expect(plan.naiveMacs).toBe(13824);
    expect(plan.outputShape).toEqual([2, 4, 8, 8]);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]!.kind).toBe('convolution');
    // Rebuilding "the kernel" of one operand is the same single step.
    expect(plan.rebuiltMacs).toBe(13824);
    expect(plan.dataOperands).toEqual([0]);
  });

  it('padding 0 (valid): O = 6, 2*4*3*(6*3)*(6*3) = 7776', () => {
    const plan = planExpression(text, shapes, { conv: { h: { padding: { kind: 'valid' } }, w: { padding: { kind: 'valid' } } } });
    expect(plan.outputShape).toEqual([2, 4, 6, 6]);
    expect(plan.macs).toBe(7776);
  });
});

describe('CP layer bshw,rt,rs,rh,rw->bthw|hw', () => {
  // X = bshw 2x4x6x6, rt 3x5, rs 3x4, rh 3x3, rw 3x3; same padding, so O = 6 along h and w.
  //
  // Optimal order (((X rs) rh) rw) rt:
  //   X  x rs : b2 s4 h6 w6 r3            = 864   -> b r h w (s summed)
  //      x rh : b2 r3 h(6*3) w6           = 648   -> b r h w (h complete)
  //      x rw : b2 r3 h6 w(6*3)           = 648   -> b r h w
  //      x rt : b2 r3 h6 w6 t5            = 1080  -> b t h w (r summed)
  //   total 3240.
  // Why nothing is cheaper: X must lose s (contracting it with rs first costs 864, the least of
  // any first step on X); each spatial conv on a b r h w tensor costs 648, and merging rh, rw
  // first (r h w, 27 MACs) makes one conv of b2 r3 (6*3)(6*3) = 1944 > 1296; convolving before s is
  // summed multiplies by s = 4 instead of r = 3; the final step must contract r while producing
  // b t h w (360 elements), at least 3 * 360 = 1080.
  //
  // Left to right ((((X rt) rs) rh) rw):
  //   X  x rt : outer product b2 s4 h6 w6 r3 t5 = 4320 -> b s h w r t
  //      x rs : b2 s4 h6 w6 r3 t5              = 4320 -> b h w r t
  //      x rh : b2 h(6*3) w6 r3 t5             = 3240
  //      x rw : b2 h6 w(6*3) r3 t5             = 3240 -> b t h w
  //   total 15120.
  //
  // Rebuilt kernel t s h w: the last kernel step sums r while producing t s h w (180 elements),
  // 180 * 3 = 540 at least. Before it, two pairs are cheapest: (rt rh) = r t h, 3*5*3 = 45, and
  // (rs rw) = r s w, 3*4*3 = 36, 81 in all (the pairing (rt rs) (rh rw) costs 60 + 27 = 87; a
  // chain such as ((rh rw) rs) costs 27 + 108 = 135). Kernel 621. Then X x kernel:
  // b2 s4 t5 h(6*3) w(6*3) = 12960. Total 13581.
  const text = 'bshw,rt,rs,rh,rw->bthw|hw';
  const shapes = [[2, 4, 6, 6], [3, 5], [3, 4], [3, 3], [3, 3]];

  it('optimum 3240 MACs (the brute force agrees), left to right 15120, rebuilt 13581', () => {
    expect(bruteMin(text, shapes)).toBe(3240);
    const plan = planExpression(text, shapes);
    expect(plan.macs).toBe(3240);
    expect(plan.naiveMacs).toBe(15120);
    expect(plan.rebuiltMacs).toBe(13581);
    expect(plan.outputShape).toEqual([2, 5, 6, 6]);
    expect(plan.steps.map((s) => s.macs).sort((a, b) => a - b)).toEqual([648, 648, 864, 1080]);
  });

  it('the hand orders through planFromTree', () => {
    const X = leaf(0), rt = leaf(1), rs = leaf(2), rh = leaf(3), rw = leaf(4);
    expect(planFromTree(text, shapes, node(node(node(node(X, rs), rh), rw), rt)).macs).toBe(3240);
    expect(planFromTree(text, shapes, node(node(node(node(X, rt), rs), rh), rw)).macs).toBe(15120);
    expect(planFromTree(text, shapes, node(X, node(node(rt, rh), node(rs, rw)))).macs).toBe(13581);
    expect(planFromTree(text, shapes, node(X, node(node(rt, rs), node(rh, rw)))).macs).toBe(13587);
    // Merging the spatial filters first: 864 (X rs) + 27 (rh rw) + 1944 + 1080 = 3915.
    expect(planFromTree(text, shapes, node(node(node(X, rs), node(rh, rw)), rt)).macs).toBe(3915);
  });
});

describe('1-D conv with stride 2, valid padding: bcx,dcx->bdx|x', () => {
  // B = 2, C = 3, D = 4, I = 11, K = 3, s = 2, valid: O = floor((11 - 3) / 2) + 1 = 5.
  // MACs = b2 c3 d4 x(5*3) = 360.
  const text = 'bcx,dcx->bdx|x';
  const shapes = [[2, 3, 11], [4, 3, 3]];

  it('360 MACs, output 2x4x5, one strided correlation', () => {
    const plan = planExpression(text, shapes, { conv: { x: { stride: 2, padding: { kind: 'valid' } } } });
    expect(plan.macs).toBe(360);
    expect(plan.outputShape).toEqual([2, 4, 5]);
    const axis = plan.steps[0]!.axes.find((a) => a.name === 'x')!;
    expect([axis.role, axis.size, axis.filterSize, axis.stride]).toEqual(['correlate', 5, 3, 2]);
  });

  it('with dilation 2: E = 5, O = floor((11 - 5) / 2) + 1 = 4, 2*3*4*4*3 = 288', () => {
    const plan = planExpression(text, shapes, { conv: { x: { stride: 2, dilation: 2, padding: { kind: 'valid' } } } });
    expect(plan.macs).toBe(288);
    expect(plan.outputShape).toEqual([2, 4, 4]);
  });

  it('a conv index absent from the output: bh,th->bt|h, I = 6, K = 3, valid: O = 4, 2*5*4*3 = 120', () => {
    const plan = planExpression('bh,th->bt|h', [[2, 6], [5, 3]], { conv: { h: { padding: { kind: 'valid' } } } });
    expect(plan.macs).toBe(120);
    expect(plan.outputShape).toEqual([2, 5]);
  });
});

describe('filter-filter full convolution: bx,x,x->bx|x', () => {
  // X = bx 2x10, G1 = 3, G2 = 4, same padding. Ktot = 3 + 4 - 1 = 6, E = 6, lo = 2, hi = 3, O = 10.
  //   (G1 G2) X : G1 x G2 full conv 3*4 = 12 -> size 6; X x G: b2 * O10 * K6 = 120; total 132.
  //   (X G1) G2 : X x G1 not final: O_step = (10+5) - 2 = 13, 2*13*3 = 78; then 2*10*4 = 80: 158.
  //   (X G2) G1 : O_step = 15 - 3 = 12, 2*12*4 = 96; then 2*10*3 = 60: 156.
  const text = 'bx,x,x->bx|x';
  const shapes = [[2, 10], [3], [4]];

  it('optimum 132 starts with the filter-filter step (12 MACs, size K1 + K2 - 1 = 6)', () => {
    expect(bruteMin(text, shapes)).toBe(132);
    const plan = planExpression(text, shapes);
    expect(plan.macs).toBe(132);
    expect(plan.naiveMacs).toBe(158);
    expect(plan.outputShape).toEqual([2, 10]);
    const first = plan.steps[0]!;
    expect(first.kind).toBe('filter-convolution');
    expect(first.macs).toBe(12);
    expect(first.outputShape).toEqual([6]);
    const axis = first.axes.find((a) => a.name === 'x')!;
    expect([axis.role, axis.size]).toEqual(['full', 6]);
    expect(planFromTree(text, shapes, node(node(leaf(0), leaf(2)), leaf(1))).macs).toBe(156);
  });

  it('with dilation 2: E = 11, lo = hi = 5, O = 10; 132 vs 176 and 172', () => {
    // (G1 G2) X: 12 + 2*10*6 = 132.  (X G1) G2: O_step = 20 - 2*2 = 16, 2*16*3 = 96, + 80 = 176.
    // (X G2) G1: O_step = 20 - 2*3 = 14, 2*14*4 = 112, + 60 = 172.
    const conv = { x: { dilation: 2 } };
    expect(planExpression(text, shapes, { conv }).macs).toBe(132);
    expect(planExpression(text, shapes, { conv }).naiveMacs).toBe(176);
    expect(planFromTree(text, shapes, node(node(leaf(0), leaf(2)), leaf(1)), { conv }).macs).toBe(172);
  });

  it('stride applies only in the step that absorbs the last filter: x,x,x->x|x, I = 9, K = 3, 3, s = 2, valid', () => {
    // Ktot = 5, E = 5, O = floor((9 - 5) / 2) + 1 = 3.
    //   (G1 G2) X: full 3*3 = 9 -> 5; then O3 * K5 = 15; total 24.
    //   (X G1) G2: O_step = 9 - 2 = 7 (no stride yet), 7*3 = 21; then O3 * 3 = 9; total 30.
    const conv = { x: { stride: 2, padding: { kind: 'valid' as const } } };
    const plan = planExpression('x,x,x->x|x', [[9], [3], [3]], { conv });
    expect(plan.macs).toBe(24);
    expect(plan.naiveMacs).toBe(30);
    expect(plan.outputShape).toEqual([3]);
    const naive = planFromTree('x,x,x->x|x', [[9], [3], [3]], node(node(leaf(0), leaf(1)), leaf(2)), { conv });
    expect(naive.steps.map((s) => s.outputShape[0])).toEqual([7, 3]);
    expect(naive.steps.map((s) => s.axes[0]!.stride)).toEqual([1, 2]);
  });
});
