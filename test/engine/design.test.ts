// Design numbers against hand-counted parameters and dense kernels.
import { describe, expect, it } from 'vitest';
import { planExpression } from '../../server/src/engine/planner.js';
import { sumPlans } from '../../server/src/engine/totals.js';

describe('design numbers', () => {
  it('a standard conv is its own dense kernel: compression 1, dense MACs = its MACs', () => {
    // W is 4x4x3x3 = 144 elements; MACs 2*4*4*(8*3)*(8*3) = 18432 with "same" padding.
    const plan = planExpression('bshw,tshw->bthw|hw', [[2, 4, 8, 8], [4, 4, 3, 3]]);
    expect(plan.params).toBe(144);
    expect(plan.constElements).toBe(0);
    expect(plan.denseParams).toBe(144);
    expect(plan.compression).toBe(1);
    expect(plan.denseMacs).toBe(18432);
  });

  it('CP at CIFAR sizes: 1072 parameters against a 64x64x3x3 kernel', () => {
    // Factors rt, rs: 8x64 = 512 each; rh, rw: 8x3 = 24 each. The dense kernel keeps t (output),
    // s (shared with the data) and h, w at the filter's extent 3: 64*64*3*3 = 36864. One pass with
    // it is the standard conv: 128*64*64*32*32*9 = 4,831,838,208 MACs.
    const plan = planExpression('bshw,rt,rs,rh,rw->bthw|hw', [[128, 64, 32, 32], [8, 64], [8, 64], [8, 3], [8, 3]]);
    expect(plan.params).toBe(1072);
    expect(plan.denseParams).toBe(36864);
    expect(plan.compression).toBeCloseTo(1072 / 36864, 15);
    expect(plan.denseMacs).toBe(4_831_838_208);
  });

  it('two filters along one conv index make a kernel of the combined extent (3-1)+(4-1)+1 = 6', () => {
    const plan = planExpression('bx,x,x->bx|x', [[2, 10], [3], [4]]);
    expect(plan.params).toBe(7);
    expect(plan.denseParams).toBe(6);
    expect(plan.compression).toBeCloseTo(7 / 6, 15);
  });

  it('factors without a gradient are counted apart; data operands are no parameters', () => {
    // Tucker: (r1)t 4x6 = 24 and (r2)s 3x5 = 15 need gradients; the core (r1)(r2)hw 4x3x3x3 = 108 is const.
    const shapes = [[2, 5, 7, 7], [4, 6], [3, 5], [4, 3, 3, 3]];
    const plan = planExpression('bshw,(r1)t,(r2)s,(r1)(r2)hw->bthw|hw', shapes, { requiresGrad: [false, true, true, false] });
    expect(plan.params).toBe(39);
    expect(plan.constElements).toBe(108);
    expect(plan.denseParams).toBe(6 * 5 * 3 * 3);
    expect(plan.compression).toBeCloseTo(39 / 270, 15);
  });

  it('several data operands: the kernel is what the other operands make', () => {
    // ab,bc,cd->ad with data a-b (0) and c-d (2): the one factor bc (3x4 = 12) is the kernel.
    const plan = planExpression('ab,bc,cd->ad', [[2, 3], [3, 4], [4, 5]], { dataOperands: [0, 2] });
    expect(plan.params).toBe(12);
    expect(plan.denseParams).toBe(12);
    // (ab cd) is an outer product of 2*3*4*5 = 120 MACs, then with bc: a,d kept, b,c summed: 2*3*4*5 = 120.
    expect(plan.denseMacs).toBe(120);
    expect(plan.rebuiltMacs).toBe(240);
  });

  it('with no factor there is no dense kernel', () => {
    const plan = planExpression('ab,bc->ac', [[2, 3], [3, 4]], { dataOperands: [0, 1] });
    expect(plan.params).toBe(0);
    expect(plan.denseParams).toBeNull();
    expect(plan.compression).toBeNull();
    expect(plan.denseMacs).toBeNull();
  });

  it('network totals add parameters and dense kernels, and divide the sums', () => {
    const a = planExpression('bshw,tshw->bthw|hw', [[2, 4, 8, 8], [4, 4, 3, 3]]);
    const b = planExpression('bshw,rt,rs,rh,rw->bthw|hw', [[2, 4, 8, 8], [2, 4], [2, 4], [2, 3], [2, 3]]);
    // b: 8 + 8 + 6 + 6 = 28 parameters against 4*4*3*3 = 144.
    expect(b.params).toBe(28);
    const totals = sumPlans([a, b]);
    expect(totals.params).toBe(144 + 28);
    expect(totals.denseParams).toBe(288);
    expect(totals.compression).toBeCloseTo(172 / 288, 15);
    expect(totals.denseMacs).toBe(18432 * 2);
  });
});
