/**
 * The planner against brute force. brute-force.ts re-derives docs/semantics.md section 3 on its own (shapes
 * of every leaf set, step factors, conv sizes) and enumerates every unordered binary tree; the
 * planner's answers must match it exactly:
 * - flops objective: plan.macs = the minimum over all trees; the reported tree costs that much;
 *   every step's MACs, indices and shape match the model; naiveMacs = cost of ((0 1) 2)...;
 *   outputShape = the model's conv output sizes;
 * - planFromTree: MACs, largest intermediate and peak of random trees;
 * - training objective: min over trees of sum(step MACs * (1 + inputs needing a gradient));
 * - memory cap: min MACs over trees whose intermediates (final output exempt) fit the cap, and
 *   an error when no tree fits;
 * - memory objective: min peak live elements, then min MACs.
 * Costs are compared as BigInt.
 */
import { describe, expect, it } from 'vitest';
import { planExpression, planFromTree } from '../../server/src/engine/planner.js';
import type { Plan, PlanTree } from '../../server/src/engine/plan.js';
import { EngineError } from '../../server/src/engine/problems.js';
import { makeRng, randomExpressions, tnnExpression, type GeneratedExpression } from '../helpers/expressions.js';
import { allTrees, CostModel, countLeaves, leftToRight, minBy, randomTree, showTree, type Tree } from './brute-force.js';

function label(e: GeneratedExpression): string {
  return `${e.text}  shapes=${JSON.stringify(e.shapes)}  conv=${JSON.stringify(e.conv)}`;
}

function maskOf(tree: PlanTree): number {
  return 'leaf' in tree ? 1 << tree.leaf : maskOf(tree.left) | maskOf(tree.right);
}

/** A figure that may be null (no intermediate), as the model's BigInt. */
function bigOrNull(value: number | null): bigint | null {
  return value === null ? null : BigInt(value);
}

/** Checks every step of a plan against the model; returns what disagrees. */
function checkSteps(model: CostModel, plan: Plan): string[] {
  const out: string[] = [];
  const n = model.n;
  const maskOfId = (id: number) => (id < n ? 1 << id : plan.steps[id - n]!.operands.reduce((m, k) => m | (1 << k), 0));
  let total = 0n;
  plan.steps.forEach((step, i) => {
    const [a, b] = step.inputs.map(maskOfId) as [number, number];
    const s = a | b;
    const macs = model.stepMacs(a, b);
    total += macs;
    if (BigInt(step.macs) !== macs) out.push(`step ${i} (${step.spec}): macs ${step.macs}, model ${macs}`);
    const expectedNames = i === plan.steps.length - 1 ? [...model.input.output] : model.present(s);
    if ([...step.indices].sort().join() !== [...expectedNames].sort().join()) {
      out.push(`step ${i} (${step.spec}): indices ${step.indices.join(' ')}, model ${expectedNames.join(' ')}`);
    }
    step.indices.forEach((name, j) => {
      if (step.outputShape[j] !== model.size(s, name)) out.push(`step ${i} (${step.spec}): ${name} size ${step.outputShape[j]}, model ${model.size(s, name)}`);
    });
  });
  if (BigInt(plan.macs) !== total) out.push(`plan.macs ${plan.macs} != sum of steps ${total}`);
  return out;
}

// Several hundred expressions, 2-7 operands, conv indices with random options (5% of conv
// indices held by one operand only, which makes them plain with a warning).
const CASES = randomExpressions(360, 1, { singleOperandConv: 0.05 });

describe('generated expressions cover what the planner must handle', () => {
  it('operand counts 2..7, strides, dilations, every padding kind and mode, multi-way convs', () => {
    const seen = new Map<string, number>();
    const bump = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
    for (const e of CASES) {
      bump(`n${e.terms.length}`);
      const model = new CostModel(e);
      for (const [name, facts] of model.convFacts) {
        const o = e.conv[name] ?? {};
        bump('conv');
        if (facts.stride > 1) bump('stride');
        if (facts.dilation > 1) bump('dilation');
        if (facts.filterSize.size >= 2) bump('multiway');
        if (!e.output.includes(name)) bump('conv-summed');
        bump(`padding-${o.padding ? (o.padding.kind === 'explicit' ? (o.padding.lo === o.padding.hi ? 'int' : 'pair') : o.padding.kind) : 'default'}`);
        bump(`mode-${o.mode ?? 'default'}`);
      }
      if (e.convs.some((c) => !model.convFacts.has(c))) bump('single-operand-conv');
      if (model.convFacts.size === 0) bump('no-conv');
    }
    for (let n = 2; n <= 7; n++) expect(seen.get(`n${n}`) ?? 0, `n${n}`).toBeGreaterThanOrEqual(30);
    for (const key of ['stride', 'dilation', 'multiway', 'conv-summed', 'single-operand-conv', 'no-conv']) {
      expect(seen.get(key) ?? 0, key).toBeGreaterThanOrEqual(10);
    }
    for (const kind of ['int', 'pair', 'valid', 'same', 'full', 'default']) expect(seen.get(`padding-${kind}`) ?? 0, kind).toBeGreaterThanOrEqual(10);
    for (const mode of ['zeros', 'circular', 'reflect', 'replicate']) expect(seen.get(`mode-${mode}`) ?? 0, mode).toBeGreaterThanOrEqual(10);
  });

  it('the brute force enumerates (2n-3)!! trees, all distinct', () => {
    // (2n-3)!!: 1, 3, 15, 105, 945, 10395 for n = 2..7.
    const expected = [0, 0, 1, 3, 15, 105, 945, 10395];
    for (const e of CASES.filter((c) => c.terms.length <= 6).slice(0, 40)) {
      const trees = allTrees(new CostModel(e));
      expect(trees.length).toBe(expected[e.terms.length]);
      expect(new Set(trees.map((t) => showTree(t.tree))).size).toBe(trees.length);
      expect(trees.every((t) => countLeaves(t.tree) === e.terms.length)).toBe(true);
    }
  });
});

describe('flops objective: optimum = brute-force minimum', () => {
  it(`${CASES.length} random expressions: macs, tree, steps, naiveMacs, outputShape`, () => {
    const failures: string[] = [];
    for (const e of CASES) {
      const model = new CostModel(e);
      const trees = allTrees(model);
      const best = minBy(trees, (t) => t.macs)!;
      const plan = planExpression(e.text, e.shapes, { conv: e.conv });
      const problems: string[] = [];
      if (BigInt(plan.macs) !== best.macs) problems.push(`macs ${plan.macs}, brute force ${best.macs} with ${showTree(best.tree)}`);
      if (model.treeMacs(plan.tree as Tree) !== BigInt(plan.macs)) problems.push(`its tree ${showTree(plan.tree as Tree)} costs ${model.treeMacs(plan.tree as Tree)}, plan says ${plan.macs}`);
      if (plan.flops !== 2 * plan.macs) problems.push(`flops ${plan.flops} != 2 x ${plan.macs}`);
      if (!plan.optimal) problems.push('not marked optimal');
      if (countLeaves(plan.tree as Tree) !== model.n || maskOf(plan.tree) !== model.full) problems.push(`tree ${showTree(plan.tree as Tree)} does not hold every operand once`);
      const naive = model.treeMacs(leftToRight(model.n));
      if (BigInt(plan.naiveMacs) !== naive) problems.push(`naiveMacs ${plan.naiveMacs}, model ${naive}`);
      if (JSON.stringify(plan.outputShape) !== JSON.stringify(model.outputShape())) problems.push(`outputShape ${plan.outputShape}, model ${model.outputShape()}`);
      if (bigOrNull(plan.largestIntermediate) !== model.treeLargestIntermediate(plan.tree as Tree)) problems.push(`largestIntermediate ${plan.largestIntermediate}, model ${model.treeLargestIntermediate(plan.tree as Tree)}`);
      if (BigInt(plan.peakElements) !== model.treePeak(plan.tree as Tree)) problems.push(`peakElements ${plan.peakElements}, model ${model.treePeak(plan.tree as Tree)}`);
      if (plan.steps.length !== model.n - 1) problems.push(`${plan.steps.length} steps`);
      problems.push(...checkSteps(model, plan));
      if (problems.length > 0) failures.push(`${label(e)}\n    ${problems.join('\n    ')}`);
    }
    expect(failures.slice(0, 5).join('\n'), `${failures.length} of ${CASES.length} disagree`).toBe('');
  });
});

describe('TNN-like layers (CP, TT, TR cores around a layer input)', () => {
  it('3..7 operands, same padding and random conv options: optimum = brute force', () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 4; seed++) {
      for (let n = 3; n <= 7; n++) {
        for (const structure of ['cp', 'tt', 'tr'] as const) {
          const e = tnnExpression(n, seed, { structure, randomConvOptions: seed % 2 === 0 });
          const model = new CostModel(e);
          const best = minBy(allTrees(model), (t) => t.macs)!.macs;
          const plan = planExpression(e.text, e.shapes, { conv: e.conv });
          if (BigInt(plan.macs) !== best) failures.push(`${label(e)}: macs ${plan.macs}, brute force ${best}`);
          if (BigInt(plan.naiveMacs) !== model.treeMacs(leftToRight(n))) failures.push(`${label(e)}: naiveMacs ${plan.naiveMacs}`);
          if (JSON.stringify(plan.outputShape) !== JSON.stringify(model.outputShape())) failures.push(`${label(e)}: outputShape ${plan.outputShape}`);
        }
      }
    }
    expect(failures.slice(0, 5).join('\n'), `${failures.length} disagree`).toBe('');
  });
});

describe('planFromTree: the plan of a given tree costs what the model says', () => {
  it('three random trees per expression, plus the left-to-right tree', () => {
    const rng = makeRng(4242);
    const failures: string[] = [];
    for (const e of CASES.slice(0, 240)) {
      const model = new CostModel(e);
      for (let t = 0; t < 4; t++) {
        const tree = t === 3 ? leftToRight(model.n) : randomTree(model.n, rng.next);
        const plan = planFromTree(e.text, e.shapes, tree, { conv: e.conv });
        const problems: string[] = [];
        if (BigInt(plan.macs) !== model.treeMacs(tree)) problems.push(`macs ${plan.macs}, model ${model.treeMacs(tree)}`);
        if (showTree(plan.tree as Tree) !== showTree(tree)) problems.push(`tree came back as ${showTree(plan.tree as Tree)}`);
        if (plan.optimal) problems.push('a given tree is marked optimal');
        if (bigOrNull(plan.largestIntermediate) !== model.treeLargestIntermediate(tree)) problems.push(`largestIntermediate ${plan.largestIntermediate}, model ${model.treeLargestIntermediate(tree)}`);
        if (BigInt(plan.peakElements) !== model.treePeak(tree)) problems.push(`peakElements ${plan.peakElements}, model ${model.treePeak(tree)}`);
        if (BigInt(plan.naiveMacs) !== model.treeMacs(leftToRight(model.n))) problems.push(`naiveMacs ${plan.naiveMacs}`);
        problems.push(...checkSteps(model, plan));
        if (problems.length > 0) failures.push(`${label(e)} tree ${showTree(tree)}\n    ${problems.join('\n    ')}`);
      }
    }
    expect(failures.slice(0, 5).join('\n'), `${failures.length} disagree`).toBe('');
  });

  it('swapping children never changes MACs', () => {
    const rng = makeRng(99);
    const swap = (t: PlanTree): PlanTree => ('leaf' in t ? t : { left: swap(t.right), right: swap(t.left) });
    for (const e of CASES.slice(0, 60)) {
      const tree = randomTree(e.terms.length, rng.next);
      const a = planFromTree(e.text, e.shapes, tree, { conv: e.conv });
      const b = planFromTree(e.text, e.shapes, swap(tree), { conv: e.conv });
      expect(b.macs, label(e)).toBe(a.macs);
    }
  });
});

describe('training objective', () => {
  it('min over trees of sum(step MACs x (1 + inputs whose subtree needs a gradient))', () => {
    const rng = makeRng(777);
    const failures: string[] = [];
    const cases = CASES.slice(0, 200);
    cases.forEach((e, i) => {
      const n = e.terms.length;
      // Mostly random; every 10th case none needs a gradient (training = forward), every 10th all do.
      const requiresGrad = Array.from({ length: n }, () => (i % 10 === 0 ? false : i % 10 === 1 ? true : rng.chance(0.5)));
      const model = new CostModel(e);
      const trees = allTrees(model, requiresGrad);
      const best = minBy(trees, (t) => t.training)!;
      const plan = planExpression(e.text, e.shapes, { conv: e.conv, objective: 'training', requiresGrad });
      const problems: string[] = [];
      if (BigInt(plan.objectiveValue) !== best.training) problems.push(`objectiveValue ${plan.objectiveValue}, brute force ${best.training} with ${showTree(best.tree)}`);
      if (model.treeTraining(plan.tree as Tree, requiresGrad) !== BigInt(plan.objectiveValue)) problems.push(`its tree costs ${model.treeTraining(plan.tree as Tree, requiresGrad)} in training`);
      if (BigInt(plan.macs) !== model.treeMacs(plan.tree as Tree)) problems.push(`macs ${plan.macs} != forward MACs of its tree`);
      if (requiresGrad.every((g) => !g) && BigInt(plan.objectiveValue) !== minBy(trees, (t) => t.macs)!.macs) problems.push('without gradients training should be the forward minimum');
      // The figure for a given tree too.
      const tree = randomTree(n, rng.next);
      const given = planFromTree(e.text, e.shapes, tree, { conv: e.conv, objective: 'training', requiresGrad });
      if (BigInt(given.objectiveValue) !== model.treeTraining(tree, requiresGrad)) problems.push(`planFromTree ${showTree(tree)}: ${given.objectiveValue}, model ${model.treeTraining(tree, requiresGrad)}`);
      if (problems.length > 0) failures.push(`${label(e)} requiresGrad=${JSON.stringify(requiresGrad)}\n    ${problems.join('\n    ')}`);
    });
    expect(failures.slice(0, 5).join('\n'), `${failures.length} disagree`).toBe('');
  });

  it('a hand case: two operands needing gradients cost three times the forward', () => {
    // ab,bc->ac with 2x3, 3x4: one step of 2*3*4 = 24 MACs; both inputs need a gradient:
    // 24 * (1 + 2) = 72. With only the first: 24 * 2 = 48.
    expect(planExpression('ab,bc->ac', [[2, 3], [3, 4]], { objective: 'training' }).objectiveValue).toBe(72);
    expect(planExpression('ab,bc->ac', [[2, 3], [3, 4]], { objective: 'training', requiresGrad: [true, false] }).objectiveValue).toBe(48);
  });
});

describe('memory cap', () => {
  it('min MACs among trees whose intermediates fit; the cap is never exceeded; an error when nothing fits', () => {
    const rng = makeRng(31337);
    const failures: string[] = [];
    let infeasible = 0;
    let binding = 0;
    for (const e of CASES.slice(0, 240)) {
      const model = new CostModel(e);
      const trees = allTrees(model);
      const levels = [...new Set(trees.map((t) => t.largestIntermediate))].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      // A feasible cap: some tree's largest intermediate (so at least that tree fits), below
      // what every MAC-optimal tree needs when there is such a level (the cap then binds).
      const fewest = minBy(trees, (t) => t.macs)!.macs;
      const optimalNeeds = minBy(trees.filter((t) => t.macs === fewest), (t) => t.largestIntermediate)!.largestIntermediate;
      const below = levels.filter((l) => l < optimalNeeds);
      const cap = below.length > 0 && rng.chance(0.8) ? rng.pick(below) : rng.pick(levels);
      const fitting = trees.filter((t) => t.largestIntermediate <= cap);
      const best = minBy(fitting, (t) => t.macs)!;
      if (best.macs > fewest) binding++;
      const problems: string[] = [];
      try {
        const plan = planExpression(e.text, e.shapes, { conv: e.conv, memoryCap: Number(cap) });
        if (BigInt(plan.macs) !== best.macs) problems.push(`cap ${cap}: macs ${plan.macs}, brute force ${best.macs} with ${showTree(best.tree)}`);
        const largest = model.treeLargestIntermediate(plan.tree as Tree) ?? 0n;
        if (largest > cap) problems.push(`cap ${cap}: tree ${showTree(plan.tree as Tree)} has an intermediate of ${largest}`);
        if ((plan.largestIntermediate ?? 0) > Number(cap)) problems.push(`cap ${cap}: largestIntermediate ${plan.largestIntermediate}`);
      } catch (err) {
        problems.push(`cap ${cap}: threw ${String(err)}`);
      }
      // Just below the smallest achievable largest intermediate: nothing fits.
      if (levels[0]! > 0n) {
        infeasible++;
        const tooSmall = Number(levels[0]!) - 1;
        try {
          planExpression(e.text, e.shapes, { conv: e.conv, memoryCap: tooSmall });
          problems.push(`cap ${tooSmall} (below every tree's ${levels[0]}): no error`);
        } catch (err) {
          if (!(err instanceof EngineError) || !err.problems.some((p) => p.code === 'memory-cap-infeasible')) problems.push(`cap ${tooSmall}: wrong error ${String(err)}`);
        }
      }
      if (problems.length > 0) failures.push(`${label(e)}\n    ${problems.join('\n    ')}`);
    }
    expect(failures.slice(0, 5).join('\n'), `${failures.length} disagree`).toBe('');
    // The test is only meaningful when caps bind and infeasible caps occur.
    expect(binding).toBeGreaterThanOrEqual(20);
    expect(infeasible).toBeGreaterThanOrEqual(100);
  });
});

describe('memory objective', () => {
  it('min peak live elements over trees and child orders, then min MACs', () => {
    const failures: string[] = [];
    for (const e of CASES.filter((c) => c.terms.length <= 6).slice(0, 150)) {
      const model = new CostModel(e);
      const trees = allTrees(model);
      const peak = minBy(trees, (t) => t.peak)!.peak;
      const macs = minBy(trees.filter((t) => t.peak === peak), (t) => t.macs)!.macs;
      const plan = planExpression(e.text, e.shapes, { conv: e.conv, objective: 'memory' });
      const problems: string[] = [];
      if (BigInt(plan.objectiveValue) !== peak) problems.push(`objectiveValue ${plan.objectiveValue}, brute-force peak ${peak}`);
      if (BigInt(plan.peakElements) !== model.treePeak(plan.tree as Tree)) problems.push(`peakElements ${plan.peakElements}, its tree ${model.treePeak(plan.tree as Tree)}`);
      if (BigInt(plan.macs) !== macs) problems.push(`macs ${plan.macs}, brute force ${macs} among min-peak trees`);
      if (problems.length > 0) failures.push(`${label(e)}\n    ${problems.join('\n    ')}`);
    }
    expect(failures.slice(0, 5).join('\n'), `${failures.length} disagree`).toBe('');
  });
});

describe('heuristic path', () => {
  it('with the exact search switched off, a valid tree whose MACs the model confirms, never below the optimum', () => {
    for (const e of CASES.filter((c) => c.terms.length >= 4).slice(0, 30)) {
      const model = new CostModel(e);
      const plan = planExpression(e.text, e.shapes, { conv: e.conv, exactLimit: 1, connectedSearch: false, budgetMs: 10 });
      expect(plan.optimal, label(e)).toBe(false);
      expect(maskOf(plan.tree), label(e)).toBe(model.full);
      expect(BigInt(plan.macs), label(e)).toBe(model.treeMacs(plan.tree as Tree));
      expect(BigInt(plan.macs) >= minBy(allTrees(model), (t) => t.macs)!.macs, label(e)).toBe(true);
    }
  });
});
