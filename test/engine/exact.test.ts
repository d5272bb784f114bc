/**
 * Figures at any size (docs/semantics.md section 3): every figure below 2^53 is exact, every
 * figure at 2^53 or more is flagged as beyond exact range, and a size of 2^53 or more is refused.
 * Expected figures come from the BigInt cost model of brute-force.ts, so "exact" means equal to
 * arbitrary-precision arithmetic and "flagged" is decided by the true value, not the float64 one.
 */
import { describe, expect, it } from 'vitest';
import { planExpression } from '../../server/src/engine/planner.js';
import type { FigureName, Plan } from '../../server/src/engine/plan.js';
import { analyze } from '../../server/src/engine/shapes.js';
import { planSummary } from '../../server/src/engine/summary.js';
import { sumPlans } from '../../server/src/engine/totals.js';
import { formatPlanTree } from '../../server/src/engine/tree-text.js';
import type { ConvOptionsMap } from '../../server/src/engine/options.js';
import { allTrees, CostModel, leftToRight, minBy, readExpression, type Tree } from './brute-force.js';

const LIMIT = 2n ** 53n;
const pow2 = (k: number) => 2 ** k;

/** A float64 figure against the true one: equal below 2^53, else flagged and close. */
function expectFigure(what: string, value: number, exact: boolean, truth: bigint): void {
  if (truth < LIMIT) {
    expect(value, `${what} = ${truth}`).toBe(Number(truth));
    expect(exact, `${what} = ${truth} is below 2^53: not flagged`).toBe(true);
  } else {
    expect(exact, `${what} = ${truth} is 2^53 or more: flagged`).toBe(false);
    expect(Math.abs(value - Number(truth)) / Number(truth), `${what} ≈ ${truth}`).toBeLessThan(1e-12);
  }
}

/** Every figure of the plan, its steps included, against the model. */
function checkPlan(text: string, shapes: number[][], conv: ConvOptionsMap = {}): { plan: Plan; macs: bigint } {
  const plan = planExpression(text, shapes, { conv });
  const model = new CostModel({ ...readExpression(text), shapes, conv: conv as never });
  const flagged = (name: FigureName) => !plan.inexactFigures.includes(name);
  const tree = plan.tree as Tree;
  const macs = model.treeMacs(tree);
  expectFigure('macs', plan.macs, flagged('macs'), macs);
  expectFigure('flops', plan.flops, flagged('flops'), 2n * macs);
  expectFigure('objectiveValue', plan.objectiveValue, flagged('objectiveValue'), macs);
  expectFigure('naiveMacs', plan.naiveMacs, flagged('naiveMacs'), model.treeMacs(leftToRight(model.n)));
  if (plan.rebuiltTree) expectFigure('rebuiltMacs', plan.rebuiltMacs!, flagged('rebuiltMacs'), model.treeMacs(plan.rebuiltTree as Tree));
  const largest = model.treeLargestIntermediate(tree);
  if (largest === null) expect(plan.largestIntermediate).toBeNull();
  else expectFigure('largestIntermediate', plan.largestIntermediate!, flagged('largestIntermediate'), largest);
  expectFigure('peakElements', plan.peakElements, flagged('peakElements'), model.treePeak(tree));
  expect(plan.exact).toBe(plan.inexactFigures.length === 0);

  const maskOf = (id: number): number => (id < model.n ? 1 << id : plan.steps[id - model.n]!.operands.reduce((m, k) => m | (1 << k), 0));
  for (const step of plan.steps) {
    const [a, b] = step.inputs.map(maskOf) as [number, number];
    const stepMacs = model.stepMacs(a, b);
    const elements = model.elements(a | b);
    expect(step.exact, `step ${step.spec}: ${stepMacs} MACs, ${elements} elements`).toBe(stepMacs < LIMIT && elements < LIMIT);
    if (step.exact) expect(step.macs).toBe(Number(stepMacs));
  }
  // Below 2^53 the search compares exact costs, so the tree is the true optimum.
  const best = minBy(allTrees(model), (t) => t.macs)!.macs;
  if (best < LIMIT) expect(macs).toBe(best);
  return { plan, macs };
}

const EXPONENTS = [30, 31, 32, 33, 40, 47, 48, 50, 51, 52];

describe('ab,bc->ac with a = 2^k and 2^k + 1, against BigInt', () => {
  for (const k of EXPONENTS) {
    for (const a of [pow2(k), pow2(k) + 1]) {
      for (const [b, c] of [[2, 2], [3, 5], [4, 1]]) {
        it(`a = ${a}, b = ${b}, c = ${c}`, () => {
          const { plan, macs } = checkPlan('ab,bc->ac', [[a, b!], [b!, c!]]);
          expect(macs).toBe(BigInt(a) * BigInt(b!) * BigInt(c!));
          expect(plan.outputShape).toEqual([a, c]);
        });
      }
    }
  }

  it('2^31 and 2^32 give positive, exact MACs (no 32-bit wrap)', () => {
    expect(planExpression('ab,bc->ac', [[pow2(31), 2], [2, 2]]).macs).toBe(Number(2n ** 31n * 4n));
    expect(planExpression('ab,bc->ac', [[pow2(32), 2], [2, 2]]).macs).toBe(Number(2n ** 32n * 4n));
  });

  it('the largest size, 2^53 - 1, is exact; twice it in FLOPs is flagged', () => {
    const { plan } = checkPlan('ab,bc->ac', [[Number.MAX_SAFE_INTEGER, 1], [1, 1]]);
    expect(plan.macs).toBe(Number.MAX_SAFE_INTEGER);
    expect(plan.inexactFigures).toEqual(['flops']);
  });

  it('a true value of exactly 2^53 is flagged', () => {
    const { plan } = checkPlan('ab,bc->ac', [[pow2(51), 4], [4, 1]]);
    expect(plan.inexactFigures).toContain('macs');
    expect(plan.exact).toBe(false);
  });
});

describe('conv layers with large sizes, against BigInt', () => {
  for (const k of [30, 31, 36, 42, 44, 46, 47]) {
    it(`standard 3x3 conv, batch 2^${k}`, () => {
      const { macs } = checkPlan('bshw,tshw->bthw|hw', [[pow2(k), 3, 8, 8], [4, 3, 3, 3]]);
      // B*T*S*H*W*9 with same padding.
      expect(macs).toBe(2n ** BigInt(k) * 4n * 3n * 64n * 9n);
    });
    it(`CP layer, batch 2^${k} + 1`, () => {
      checkPlan('bshw,rt,rs,rh,rw->bthw|hw', [[pow2(k) + 1, 6, 9, 9], [5, 7], [5, 6], [5, 3], [5, 3]]);
    });
  }

  for (const k of [31, 40, 48, 50, 51, 52]) {
    it(`a conv index of size 2^${k} + 3, valid padding, filter 5`, () => {
      const { macs } = checkPlan('bh,h->bh|h', [[3, pow2(k) + 3], [5]], { h: { padding: { kind: 'valid' } } });
      // O = I - K + 1 = 2^k - 1; MACs = b * O * K.
      expect(macs).toBe(3n * (2n ** BigInt(k) - 1n) * 5n);
    });
  }

  for (const k of [31, 32, 33]) {
    it(`a filter of size 2^${k} + 1 beside a small one, feature 2^40 (filter extents past 32 bits)`, () => {
      const { plan } = checkPlan('bh,h,h->bh|h', [[2, pow2(40)], [pow2(k) + 1], [3]], { h: { padding: { kind: 'valid' } } });
      // O = 2^40 - (2^k + 2) - 1 + 1 over both filters.
      expect(plan.outputShape).toEqual([2, pow2(40) - pow2(k) - 2]);
    });
  }

  for (const k of [31, 32]) {
    it(`a filter of size 2^${k} + 1 nearly as long as the feature: exact, and the optimum`, () => {
      // Feature 2^k + 10, filters 2^k + 1 and 3, valid: O = 2^k + 10 - (2^k + 3) + 1 = 8.
      const { plan } = checkPlan('bh,h,h->bh|h', [[2, pow2(k) + 10], [pow2(k) + 1], [3]], { h: { padding: { kind: 'valid' } } });
      expect(plan.outputShape).toEqual([2, 8]);
      expect(plan.exact).toBe(true);
    });
  }

  it('two large filters: full convolutions and correlations around 2^53', () => {
    // Filters first: K1 * K2 = (2^26 + 1)(2^27 + 1) > 2^53; feature first: (3 * 2^26)(2^26 + 1) > 2^53.
    checkPlan('h,h,h->h|h', [[pow2(28)], [pow2(26) + 1], [pow2(27) + 1]], { h: { padding: { kind: 'valid' } } });
    // Halved filters: every order stays below 2^53, so the figures are exact and optimal.
    checkPlan('h,h,h->h|h', [[pow2(28)], [pow2(24) + 1], [pow2(25) + 1]], { h: { padding: { kind: 'valid' } } });
  });
});

describe('sizes of 2^53 or more are refused, with their place', () => {
  const tooLarge = (text: string, shapes: number[][], conv: ConvOptionsMap = {}) => analyze(text, shapes, conv).problems.filter((p) => p.code === 'size-too-large');

  for (const size of [2 ** 53, 2 ** 53 + 2, 1e20, 2 ** 70]) {
    it(`size ${size} of index c in operand 2`, () => {
      const [problem, ...rest] = tooLarge('ab,bc->ac', [[2, 3], [3, size]]);
      expect(rest).toEqual([]);
      expect(problem!.severity).toBe('error');
      expect(problem!.operand).toBe(1);
      expect(problem!.range).toEqual({ start: 4, end: 5 });
      expect(problem!.message).toContain(`has size ${size}`);
      expect(problem!.message).toContain('2^53');
    });
  }

  it('2^53 - 1 is accepted', () => {
    expect(analyze('ab,bc->ac', [[2, 3], [3, Number.MAX_SAFE_INTEGER]]).analysis).not.toBeNull();
  });

  it('a padded conv input beyond 2^53 - 1, at the conv index', () => {
    const text = 'bh,h->bh|h';
    const [problem] = tooLarge(text, [[2, Number.MAX_SAFE_INTEGER - 10], [3]], { h: { padding: { kind: 'explicit', lo: 6, hi: 6 } } });
    expect(problem!.range).toEqual({ start: 9, end: 10 });
    expect(problem!.message).toContain('padded input');
  });

  it('a stride of 2^53 or more', () => {
    const [problem] = tooLarge('bh,h->bh|h', [[2, 9], [3]], { h: { stride: 2 ** 60, padding: { kind: 'valid' } } });
    expect(problem!.index).toBe('h');
  });

  it('non-integers and zero keep their own message', () => {
    const codes = (size: number) => analyze('ab,bc->ac', [[2, 3], [3, size]]).problems.map((p) => p.code);
    expect(codes(0)).toEqual(['non-positive-size']);
    expect(codes(2.5)).toEqual(['non-positive-size']);
    expect(codes(Infinity)).toEqual(['non-positive-size']);
  });
});

describe('sums of plans', () => {
  it('two exact layers whose sum reaches 2^53 are flagged in the totals only', () => {
    // Each: 2^50 * 2 * 1 = 2^51 MACs, 2^52 FLOPs, exact; four together: 2^53 MACs.
    const plan = planExpression('ab,bc->ac', [[pow2(50), 2], [2, 1]]);
    expect(plan.exact).toBe(true);
    const totals = sumPlans([plan, plan, plan, plan]);
    expect(totals.macs).toBe(Number(2n ** 53n));
    expect(totals.inexactFigures).toEqual(expect.arrayContaining(['macs', 'flops', 'naiveMacs']));
    expect(totals.inexactFigures).not.toContain('peakElements');
    expect(sumPlans([plan]).exact).toBe(true);
  });
});

describe('printed figures carry the flag', () => {
  it('the summary marks flagged figures with ≈ and says what it means', () => {
    // 2^51 * 4 * 1 = 2^53 = 9.007P MACs and 18.01P FLOPs, flagged; the output, 2^51 elements
    // = 2.252P (2^53 bytes = 8.00 PiB), is exact.
    const summary = planSummary(planExpression('ab,bc->ac', [[pow2(51), 4], [4, 1]]));
    expect(summary).toMatch(/Optimal MACs:\s+≈9\.007P {2}\(≈18\.01P FLOPs\)/);
    expect(summary).toMatch(/Peak live elements:\s+2\.252P \(8\.00 PiB f32\)/);
    expect(summary).toMatch(/beyond exact range/);
    expect(summary).toMatch(/contraction\s+≈9\.007P/);
  });

  it('an exact plan has no mark', () => {
    const summary = planSummary(planExpression('ab,bc->ac', [[pow2(31), 2], [2, 2]]));
    // 2^33 = 8,589,934,592 MACs.
    expect(summary).toMatch(/Optimal MACs:\s+8\.590G {2}\(17\.18G FLOPs\)/);
    expect(summary).not.toMatch(/≈|beyond exact range/);
  });

  it('the tree text marks a flagged step', () => {
    expect(formatPlanTree(planExpression('ab,bc->ac', [[pow2(51), 4], [4, 1]]))).toMatch(/^ab,bc->ac {2}2251799813685248x1 {2}≈9\.007P MACs/);
  });
});
