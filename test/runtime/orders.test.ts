/**
 * Every evaluation order gives the same tensor (docs/semantics.md section 2): random valid expressions,
 * each run directly and through plans of several trees, agree to 1e-9 relative in float64.
 */
import { describe, expect, it } from 'vitest';
import type { ConvOptionsMap } from '../../server/src/engine/options.js';
import { analyzeOrThrow, type Analysis } from '../../server/src/engine/shapes.js';
import { evaluateDirect } from '../../server/src/runtime/cpu/direct.js';
import { randomExpression, tnnExpression, type GeneratedExpression } from '../helpers/expressions.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { leftToRight, planned, randomTree, withTree } from './evaluate.js';
import { expectClose } from './reference.js';

/** Iterations of the direct evaluator: every output position times every summed variable. */
function directWork(analysis: Analysis): number {
  return analysis.indices.reduce((work, info) => work * (info.conv ? info.conv.outputSize * info.conv.filterSizes.reduce((p, k) => p * k, 1) : info.size), 1);
}

const WORK_LIMIT = 20_000;

/** The first `count` expressions from `make(seed)`, seed = 1, 2, ..., small enough to evaluate directly. */
function smallExpressions(count: number, make: (seed: number) => GeneratedExpression): GeneratedExpression[] {
  const found: GeneratedExpression[] = [];
  for (let seed = 1; found.length < count && seed < 50 * count; seed++) {
    const e = make(seed);
    if (directWork(analyzeOrThrow(e.text, e.shapes, e.conv)) <= WORK_LIMIT) found.push(e);
  }
  return found;
}

function expectOrdersAgree(e: GeneratedExpression): void {
  const random = seeded(e.seed * 31 + 5);
  const inputs = e.shapes.map((shape) => randomTensor(shape, random));
  const conv: ConvOptionsMap = e.conv;
  const expected = evaluateDirect(analyzeOrThrow(e.text, e.shapes, conv), inputs);
  expectClose(planned(e.text, inputs, conv), expected);
  const n = e.shapes.length;
  if (n < 2) return;
  for (const tree of [leftToRight(n), randomTree(n, random), randomTree(n, random), randomTree(n, random)]) {
    expectClose(withTree(e.text, inputs, tree, conv), expected);
  }
}

describe('random expressions: direct evaluation equals every plan', () => {
  const expressions = smallExpressions(60, (seed) => randomExpression(seed, { maxOperands: 5, maxPlainSize: 3, maxFeatureSize: 7, maxPlain: 5 }));
  it('finds enough small expressions', () => expect(expressions.length).toBe(60));
  for (const e of expressions) {
    it(`#${e.seed} ${e.text} ${JSON.stringify(e.shapes)} ${JSON.stringify(e.conv)}`, () => expectOrdersAgree(e));
  }
});

describe('TNN layers with random conv options: direct evaluation equals every plan', () => {
  const expressions = smallExpressions(12, (seed) => tnnExpression(3 + (seed % 3), seed, { randomConvOptions: true, batch: 1, spatial: 5 }));
  it('finds enough small layers', () => expect(expressions.length).toBe(12));
  for (const e of expressions) {
    it(`${e.family} #${e.seed} ${e.text} ${JSON.stringify(e.shapes)} ${JSON.stringify(e.conv)}`, () => expectOrdersAgree(e));
  }
});

describe('diagonals together with convolutions: direct evaluation equals every plan', () => {
  const cases: [string, number[][], ConvOptionsMap][] = [
    ['iih,th->ith|h', [[3, 3, 7], [2, 3]], { h: { stride: 2, padding: { kind: 'valid' } } }],
    ['ijjh,h,jh->ih|h', [[2, 3, 3, 8], [3], [3, 2]], { h: { dilation: 2, mode: 'reflect' } }],
    ['bii,ih,bh->bh|h', [[2, 3, 3], [3, 4], [2, 9]], { h: { padding: { kind: 'full' }, mode: 'circular' } }],
    ['kkhw,hw,kw->|hw', [[2, 2, 6, 5], [3, 2], [2, 2]], { h: { stride: 2, padding: { kind: 'explicit', lo: 1, hi: 0 } } }],
  ];
  cases.forEach(([text, shapes, conv], i) => {
    it(text, () => expectOrdersAgree({ text, shapes, conv, seed: 1000 + i, terms: [], output: [], convs: [], family: 'diagonal' }));
  });
});
