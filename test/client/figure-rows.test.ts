/**
 * The plan view's figures table: the parameters against the dense kernel, written as the hover,
 * the lens and the CLI write them (the expected text is the one test/language/design-figures
 * and test/cli expect for the same CP layer, counted by hand there and here).
 */
import { describe, expect, it } from 'vitest';
import { planExpression } from '../../server/src/engine/planner.js';
import { sumPlans } from '../../server/src/engine/totals.js';
import { figureRows } from '../../client/src/webview/view/figure-rows.js';

// samples/cp.cein: B=128, S=T=64, 32x32 maps, R=16.
const CP = 'bshw,rt,rs,rh,rw->bthw|hw';
const CP_SHAPES = [[128, 64, 32, 32], [16, 64], [16, 64], [16, 3], [16, 3]];

describe('figureRows', () => {
  it('the FLOPs row says which trees the plan is proven optimal among', () => {
    const plan = planExpression(CP, CP_SHAPES);
    const flops = (optimality: Parameters<typeof figureRows>[1]) => new Map(figureRows(plan, optimality)).get('FLOPs');
    expect(flops('all trees')).toMatch(/, proven optimal$/);
    expect(flops('trees without outer products')).toMatch(/, proven optimal among trees without outer products$/);
    expect(flops(null)).toMatch(/, heuristic, not proven optimal$/);
  });

  it('a layer: its parameters against the dense kernel, and the MACs of the dense kernel', () => {
    const plan = planExpression(CP, CP_SHAPES);
    const rows = new Map(figureRows(plan, plan.optimality));
    // 16*64 * 2 + 16*3 * 2 = 2,144 of 64*64*3*3 = 36,864 = 5.82 %.
    expect(rows.get('Parameters')).toBe("2,144 = 5.8 % of the dense kernel's 36.86k");
    // The dense kernel applied: 128*64*64*32*32*9 = 4,831,838,208 MACs.
    expect(rows.get('Dense kernel')).toBe('4.832G MACs');
    expect([...rows.keys()]).toEqual(['FLOPs', 'Left-to-right', 'Rebuilt kernel', 'Parameters', 'Dense kernel', 'Largest intermediate', 'Peak live']);
  });

  it('a network: the sums, and why there is no dense kernel when a layer has none', () => {
    const cp = planExpression(CP, CP_SHAPES);
    // A 64x64 matrix after it: 4,096 parameters, its own kernel. 2,144 + 4,096 = 6,240 of
    // 36,864 + 4,096 = 40,960 = 15.2 %.
    const fc = planExpression('bt,kt->bk', [[128, 64], [64, 64]]);
    expect(new Map(figureRows(sumPlans([cp, fc]), 'all trees')).get('Parameters')).toBe("6,240 = 15 % of the dense kernels' 40.96k");
    // A pooling layer over a data operand has no factor: it adds nothing to the dense kernels,
    // and the dense network runs it as it is, 128*64*32*32 = 8,388,608 MACs, on top of the
    // CP layer's 128*64*64*32*32*9 = 4,831,838,208: 4,840,226,816.
    const pool = planExpression('bchw->bc', [[128, 64, 32, 32]], { dataOperands: [0] });
    const pooled = new Map(figureRows(sumPlans([cp, pool]), 'all trees'));
    expect(pooled.get('Parameters')).toBe("2,144 = 5.8 % of the dense kernels' 36.86k");
    expect(pooled.get('Dense kernel')).toBe('4.840G MACs');
    // A layer with no data operand (h has its feature in one operand, w in the other) has no
    // dense kernel, so neither has the sum.
    const twoFeatures = planExpression('hw,hw->hw|hw', [[8, 2], [2, 8]]);
    const rows = new Map(figureRows(sumPlans([cp, twoFeatures]), 'all trees'));
    expect(rows.get('Parameters')).toMatch(/^\S+ \(no dense kernel: a layer with factors has none\)$/);
    expect(rows.has('Dense kernel')).toBe(false);
  });
});
