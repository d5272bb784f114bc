/**
 * Shapes, index kinds, conv sizes and option checks (docs/semantics.md sections 1-2). Expected sizes are
 * worked out by hand in comments with O = floor((I + lo + hi - E) / s) + 1,
 * E = d * (Ktot - 1) + 1, Ktot = sum(K - 1) + 1, or computed by the independent model in
 * brute-force.ts for random expressions.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/engine/shapes.js';
import type { ConvOptionsMap } from '../../server/src/engine/options.js';
import type { Problem } from '../../server/src/engine/problems.js';
import { randomExpressions, tnnFamily } from '../helpers/expressions.js';
import { CostModel } from './brute-force.js';

function only(problems: readonly Problem[], code: string): Problem[] {
  return problems.filter((p) => p.code === code);
}

function errors(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === 'error');
}

function at(text: string, needle: string, nth = 0, from = 0) {
  let start = text.indexOf(needle, from);
  for (let k = 0; k < nth; k++) start = text.indexOf(needle, start + 1);
  if (start < 0) throw new Error(`"${needle}" not in "${text}"`);
  return { start, end: start + needle.length };
}

function ok(text: string, shapes: number[][], options: ConvOptionsMap = {}) {
  const result = analyze(text, shapes, options);
  expect(errors(result.problems), text).toEqual([]);
  expect(result.analysis).not.toBeNull();
  return result.analysis!;
}

describe('paper layers with shapes', () => {
  // Output shapes by hand; every conv index uses the default same padding, stride 1, so O = I.
  const cases: [string, number[][], number[]][] = [
    ['bshw,tshw->bthw|hw', [[2, 3, 8, 8], [4, 3, 3, 3]], [2, 4, 8, 8]],
    ['bshw,rt,rs,rh,rw->bthw|hw', [[2, 4, 6, 6], [3, 5], [3, 4], [3, 3], [3, 3]], [2, 5, 6, 6]],
    ['bshw,(r1)t,(r2)s,(r1)(r2)hw->bthw|hw', [[2, 3, 8, 8], [4, 5], [2, 3], [4, 2, 3, 3]], [2, 5, 8, 8]],
    ['bshw,(r1)t,(r1)(r2)h,(r2)(r3)w,(r3)s->bthw|hw', [[2, 3, 7, 7], [2, 5], [2, 3, 3], [3, 2, 3], [2, 3]], [2, 5, 7, 7]],
    ['bshw,(r0)(r1)t,(r1)(r2)h,(r2)(r3)w,(r3)(r0)s->bthw|hw', [[1, 3, 5, 5], [2, 2, 4], [2, 3, 3], [3, 2, 3], [2, 2, 3]], [1, 4, 5, 5]],
    [
      'b(s1)(s2)(s3)hw,r(t1)(s1),r(t2)(s2),r(t3)(s3),rhw->b(t1)(t2)(t3)hw|hw',
      [[2, 2, 3, 2, 6, 6], [4, 3, 2], [4, 2, 3], [4, 5, 2], [4, 3, 3]],
      [2, 3, 2, 5, 6, 6],
    ],
    ['gtshw,bgshw->bgthw|hw', [[2, 3, 4, 3, 3], [5, 2, 4, 9, 9]], [5, 2, 3, 9, 9]],
    ['bshw,sh,sw->bshw|hw', [[2, 3, 7, 7], [3, 3], [3, 3]], [2, 3, 7, 7]],
  ];
  for (const [text, shapes, expected] of cases) {
    it(`${text} -> ${expected.join('x')}`, () => {
      const analysis = ok(text, shapes);
      expect(analysis.outputShape).toEqual(expected);
      const spaced = analyze(text.replace(/,/g, ' , ').replace('|hw', '| h , w '), shapes);
      expect(spaced.analysis?.outputShape).toEqual(expected);
    });
  }

  it('group conv: the 9x9 operand is the feature even though it comes second', () => {
    const a = ok('gtshw,bgshw->bgthw|hw', [[2, 3, 4, 3, 3], [5, 2, 4, 9, 9]]);
    expect(a.byName.get('h')!.conv!.feature).toBe(1);
    expect(a.byName.get('h')!.conv!.filters).toEqual([0]);
    expect(a.byName.get('g')!.kind).toBe('batch');
  });
});

describe('index kinds', () => {
  it('standard conv: b, t free; s contracted; h, w conv', () => {
    const a = ok('bshw,tshw->bthw|hw', [[2, 3, 8, 8], [4, 3, 3, 3]]);
    expect(Object.fromEntries(a.indices.map((i) => [i.name, i.kind]))).toEqual({ b: 'free', s: 'contracted', h: 'conv', w: 'conv', t: 'free' });
  });

  it('batch, contracted, free, reduced in one expression', () => {
    // a: input 0 + output -> free; b: inputs 0,1,2 + output -> batch; e: input 0 only -> reduced;
    // c: input 1 + output -> free; d: inputs 1, 2, not output -> contracted.
    const a = ok('abe,bcd,bd->acb', [[2, 3, 4], [3, 5, 6], [3, 6]]);
    expect(Object.fromEntries(a.indices.map((i) => [i.name, i.kind]))).toEqual({ a: 'free', b: 'batch', e: 'reduced', c: 'free', d: 'contracted' });
    expect(a.outputShape).toEqual([2, 5, 3]);
  });

  it('a conv index in one operand is a plain index (free here), with a warning', () => {
    const result = analyze('bshw,ts->bthw|hw', [[2, 3, 8, 8], [4, 3]]);
    expect(errors(result.problems)).toEqual([]);
    expect(only(result.problems, 'conv-index-single-operand')).toHaveLength(2);
    expect(result.analysis!.byName.get('h')!.kind).toBe('free');
    expect(result.analysis!.outputShape).toEqual([2, 4, 8, 8]);
  });

  it('a conv index absent from the output is summed after convolving', () => {
    // I = 6, K = 3, valid: O = 4 positions, summed: output b t only.
    const a = ok('bh,th->bt|h', [[2, 6], [5, 3]], { h: { padding: { kind: 'valid' } } });
    expect(a.byName.get('h')!.kind).toBe('conv');
    expect(a.byName.get('h')!.conv!.outputSize).toBe(4);
    expect(a.outputShape).toEqual([2, 5]);
  });

  it('a diagonal ii->i', () => {
    expect(ok('ii->i', [[3, 3]]).outputShape).toEqual([3]);
    const bad = analyze('ii->i', [[3, 4]]);
    expect(only(bad.problems, 'size-mismatch')).toHaveLength(1);
  });
});

describe('conv sizes', () => {
  it('feature = largest size, ties to the leftmost operand', () => {
    expect(ok('ah,bh->abh|h', [[2, 3], [2, 3]]).byName.get('h')!.conv!.feature).toBe(0);
    expect(ok('ah,bh->abh|h', [[2, 3], [2, 5]]).byName.get('h')!.conv!.feature).toBe(1);
    expect(ok('ah,bh,ch->abch|h', [[2, 4], [2, 6], [2, 6]]).byName.get('h')!.conv!.feature).toBe(1);
  });

  it('same padding: lo = floor((E-1)/2), hi = E-1-lo (the odd one after)', () => {
    // K = 4, d = 1: E = 4, lo = 1, hi = 2, O = 8 + 3 - 4 + 1 = 8.
    let c = ok('bh,h->bh|h', [[2, 8], [4]]).byName.get('h')!.conv!;
    expect([c.lo, c.hi, c.outputSize]).toEqual([1, 2, 8]);
    // K = 3, d = 2: E = 5, lo = hi = 2, O = 8.
    c = ok('bh,h->bh|h', [[2, 8], [3]], { h: { dilation: 2 } }).byName.get('h')!.conv!;
    expect([c.extent, c.lo, c.hi, c.outputSize]).toEqual([5, 2, 2, 8]);
  });

  it('stride, dilation and lo:hi padding', () => {
    // I = 11, K = 3, d = 2, s = 2, pad 1:2: E = 5, O = floor((11 + 3 - 5) / 2) + 1 = 5.
    const a = ok('bh,h->bh|h', [[2, 11], [3]], { h: { stride: 2, dilation: 2, padding: { kind: 'explicit', lo: 1, hi: 2 } } });
    expect(a.outputShape).toEqual([2, 5]);
  });

  it('multi-way convolution: combined extent K1 + K2 - 1', () => {
    // K = 3, 4: Ktot = 6; valid: O = 10 - 6 + 1 = 5; full: lo = hi = 5, O = 10 + 10 - 6 + 1 = 15.
    expect(ok('bh,h,h->bh|h', [[2, 10], [3], [4]], { h: { padding: { kind: 'valid' } } }).outputShape).toEqual([2, 5]);
    expect(ok('bh,h,h->bh|h', [[2, 10], [3], [4]], { h: { padding: { kind: 'full' } } }).outputShape).toEqual([2, 15]);
    // Three filters 2, 3, 3 with dilation 2: Ktot = 1 + 2 + 2 + 1 = 6, E = 11; I = 12, pad 0, s = 3:
    // O = floor((12 - 11) / 3) + 1 = 1.
    const c = ok('h,h,h,h->h|h', [[2], [12], [3], [3]], { h: { dilation: 2, stride: 3, padding: { kind: 'valid' } } }).byName.get('h')!.conv!;
    expect([c.feature, c.kTotal, c.extent, c.outputSize]).toEqual([1, 6, 11, 1]);
  });

  it('output shapes of random expressions match O = floor((I+lo+hi-E)/s)+1 computed independently', () => {
    for (const e of [...randomExpressions(300, 5000, { singleOperandConv: 0.1 }), ...tnnFamily(3, { randomConvOptions: true }).slice(0, 10)]) {
      const result = analyze(e.text, e.shapes, e.conv);
      const label = `${e.text} ${JSON.stringify(e.shapes)} ${JSON.stringify(e.conv)}`;
      expect(errors(result.problems), label).toEqual([]);
      expect(result.analysis!.outputShape, label).toEqual(new CostModel(e).outputShape());
    }
  });
});

describe('generated TNN family', () => {
  it('3..16 and 60 operands, valid with default and random conv options', () => {
    for (const randomConvOptions of [false, true]) {
      const family = tnnFamily(7, { randomConvOptions });
      expect(family.map((e) => e.terms.length)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 60]);
      for (const e of family) {
        const result = analyze(e.text, e.shapes, e.conv);
        expect(result.problems, e.text).toEqual([]);
        // Operand 0 is the layer input: the feature of h and w; output b t... h w.
        expect(result.analysis!.byName.get('h')!.conv!.feature).toBe(0);
        expect(result.analysis!.byName.get('w')!.conv!.feature).toBe(0);
      }
    }
  });
});

describe('shape errors: code, message, range', () => {
  it('operand count', () => {
    const text = 'ab,bc->ac';
    const [p] = only(analyze(text, [[2, 3]]).problems, 'operand-count');
    expect(p!.message).toMatch(/\b2\b/);
    expect(p!.message).toMatch(/\b1\b/);
    expect(p!.range).toEqual(at(text, 'ab,bc'));
  });

  it('rank mismatch: the term', () => {
    const text = 'ab,bc->ac';
    const [p] = only(analyze(text, [[2, 3], [3]]).problems, 'rank-mismatch');
    expect(p!.operand).toBe(1);
    expect(p!.range).toEqual(at(text, 'bc'));
    expect(p!.message).toMatch(/rank/);
  });

  it('non-positive or non-integer size: the index', () => {
    const text = 'ab,bc->ac';
    const problems = only(analyze(text, [[2, 0], [0, 4]]).problems, 'non-positive-size');
    expect(problems.map((p) => [p.operand, p.range])).toEqual([
      [0, at(text, 'b')],
      [1, at(text, 'b', 1)],
    ]);
    expect(problems[0]!.message).toMatch(/\b0\b/);
    expect(only(analyze(text, [[2, -3], [-3, 4]]).problems, 'non-positive-size')).toHaveLength(2);
    expect(only(analyze(text, [[2, 2.5], [2.5, 4]]).problems, 'non-positive-size')).toHaveLength(2);
  });

  it('size mismatch names both operands and both sizes', () => {
    const text = 'ab,cd,be->ae';
    const [p] = only(analyze(text, [[2, 7], [1, 1], [9, 3]]).problems, 'size-mismatch');
    expect(p!.range).toEqual(at(text, 'b', 1));
    expect(p!.operand).toBe(2);
    // Operands 1 and 3 (1-based), sizes 7 and 9.
    for (const word of [/\b7\b/, /\b9\b/, /\b1\b/, /\b3\b/, /\bb\b/]) expect(p!.message).toMatch(word);
  });

  it('conv output < 1 names the index and points at the conv list', () => {
    // Filters 4, 4 on I = 5, valid: Ktot = 7 > 5, O = 5 - 7 + 1 = -1.
    let text = 'x,x,x->x|x';
    let [p] = only(analyze(text, [[5], [4], [4]], { x: { padding: { kind: 'valid' } } }).problems, 'conv-output-empty');
    expect(p!.range).toEqual(at(text, 'x', 0, text.indexOf('|')));
    expect(p!.message).toMatch(/\bx\b/);
    // I = 5, K = 3, d = 3: E = 7 > 5 with no padding.
    text = 'bh,th->bth|h';
    [p] = only(analyze(text, [[1, 5], [1, 3]], { h: { dilation: 3, padding: { kind: 'explicit', lo: 0, hi: 0 } } }).problems, 'conv-output-empty');
    expect(p!.range).toEqual(at(text, 'h', 0, text.indexOf('|')));
    expect(p!.message).toMatch(/\bh\b/);
    // With padding 1 both sides: 5 + 2 - 7 + 1 = 1, fine.
    ok(text, [[1, 5], [1, 3]], { h: { dilation: 3, padding: { kind: 'explicit', lo: 1, hi: 1 } } });
  });

  it('same padding with stride != 1', () => {
    const text = 'bshw,tshw->bthw|hw';
    const [p] = only(analyze(text, [[2, 3, 8, 8], [4, 3, 3, 3]], { h: { stride: 2, padding: { kind: 'same' } } }).problems, 'same-padding-stride');
    expect(p!.severity).toBe('error');
    expect(p!.index).toBe('h');
    expect(p!.message).toMatch(/\bh\b/);
  });

  it('same padding with stride != 1, when same is the default padding', () => {
    // docs/semantics.md section 2: padding defaults to same, and same is stride 1 only. Stride 2
    // without a padding therefore asks for same padding with stride 2, which must be rejected,
    // not computed.
    const result = analyze('bshw,tshw->bthw|hw', [[2, 3, 8, 8], [4, 3, 3, 3]], { h: { stride: 2 } });
    expect(errors(result.problems).map((p) => p.code)).toEqual(['same-padding-stride']);
  });

  it('options on a non-conv index, on an unknown index, and invalid values', () => {
    const text = 'bshw,tshw->bthw|hw';
    const shapes = [[2, 3, 8, 8], [4, 3, 3, 3]];
    let [p] = only(analyze(text, shapes, { s: { stride: 2, padding: { kind: 'valid' } } }).problems, 'option-not-conv');
    expect(p!.index).toBe('s');
    expect(p!.message).toMatch(/\bs\b/);
    [p] = only(analyze(text, shapes, { z: {} }).problems, 'option-unknown-index');
    expect(p!.index).toBe('z');
    expect(only(analyze(text, shapes, { h: { stride: 0, padding: { kind: 'valid' } } }).problems, 'option-invalid')).toHaveLength(1);
    expect(only(analyze(text, shapes, { h: { dilation: 1.5 } }).problems, 'option-invalid')).toHaveLength(1);
    expect(only(analyze(text, shapes, { h: { padding: { kind: 'explicit', lo: -1, hi: 0 } } }).problems, 'option-invalid')).toHaveLength(1);
  });

  it('reflect padding must be smaller than the input; circular at most the input', () => {
    const text = 'bh,th->bth|h';
    const shapes = [[1, 4], [1, 3]];
    const pad = (p: number, mode: 'reflect' | 'circular' | 'zeros' | 'replicate') => analyze(text, shapes, { h: { padding: { kind: 'explicit', lo: p, hi: 0 }, mode } });
    // I = 4: reflect pads up to 3, circular up to 4; zeros and replicate any amount.
    expect(errors(pad(3, 'reflect').problems)).toEqual([]);
    const [p] = only(pad(4, 'reflect').problems, 'padding-too-large');
    expect(p!.message).toMatch(/\bh\b/);
    expect(p!.range).toEqual(at(text, 'h', 0, text.indexOf('|')));
    expect(errors(pad(4, 'circular').problems)).toEqual([]);
    expect(only(pad(5, 'circular').problems, 'padding-too-large')).toHaveLength(1);
    expect(errors(pad(9, 'zeros').problems)).toEqual([]);
    expect(errors(pad(9, 'replicate').problems)).toEqual([]);
    // full padding: filters 2, 2 on I = 3 give E = 3, pad 2 = I - 1 (fits reflect); filters
    // 2, 2, 2 give E = 4, pad 3 = I (does not).
    expect(errors(analyze('h,h,h->h|h', [[3], [2], [2]], { h: { padding: { kind: 'full' }, mode: 'reflect' } }).problems)).toEqual([]);
    expect(only(analyze('h,h,h,h->h|h', [[3], [2], [2], [2]], { h: { padding: { kind: 'full' }, mode: 'reflect' } }).problems, 'padding-too-large')).toHaveLength(1);
  });
});
