/**
 * The notation (docs/semantics.md section 1): every paper string is read verbatim, white space anywhere,
 * "|hw" == "|h,w"; every string-level error with its code, a message that names the culprit,
 * and the exact character range of the culprit inside the string (found here with indexOf on
 * the literal, not taken from the parser).
 */
import { describe, expect, it } from 'vitest';
import { parseSpec, type ParsedSpec } from '../../server/src/engine/notation.js';
import type { Problem } from '../../server/src/engine/problems.js';

function names(spec: ParsedSpec | null) {
  expect(spec).not.toBeNull();
  return {
    inputs: spec!.inputs.map((t) => t.indices.map((i) => i.name)),
    output: spec!.output?.indices.map((i) => i.name) ?? null,
    convs: spec!.convs.map((c) => c.name),
  };
}

function only(problems: readonly Problem[], code: string): Problem[] {
  return problems.filter((p) => p.code === code);
}

/** The range of the n-th (0-based) occurrence of `needle` in `text`. */
function at(text: string, needle: string, nth = 0, from = 0) {
  let start = text.indexOf(needle, from);
  for (let k = 0; k < nth; k++) start = text.indexOf(needle, start + 1);
  if (start < 0) throw new Error(`"${needle}" not in "${text}"`);
  return { start, end: start + needle.length };
}

// Expected index lists are written out by hand from the strings.
const PAPER: { label: string; text: string; inputs: string[][]; output: string[]; convs: string[] }[] = [
  {
    label: 'standard conv',
    text: 'bshw,tshw->bthw|hw',
    inputs: [['b', 's', 'h', 'w'], ['t', 's', 'h', 'w']],
    output: ['b', 't', 'h', 'w'],
    convs: ['h', 'w'],
  },
  {
    label: 'CP layer',
    text: 'bshw,rt,rs,rh,rw->bthw|hw',
    inputs: [['b', 's', 'h', 'w'], ['r', 't'], ['r', 's'], ['r', 'h'], ['r', 'w']],
    output: ['b', 't', 'h', 'w'],
    convs: ['h', 'w'],
  },
  {
    label: 'Tucker layer',
    text: 'bshw,(r1)t,(r2)s,(r1)(r2)hw->bthw|hw',
    inputs: [['b', 's', 'h', 'w'], ['r1', 't'], ['r2', 's'], ['r1', 'r2', 'h', 'w']],
    output: ['b', 't', 'h', 'w'],
    convs: ['h', 'w'],
  },
  {
    label: 'TT layer',
    text: 'bshw,(r1)t,(r1)(r2)h,(r2)(r3)w,(r3)s->bthw|hw',
    inputs: [['b', 's', 'h', 'w'], ['r1', 't'], ['r1', 'r2', 'h'], ['r2', 'r3', 'w'], ['r3', 's']],
    output: ['b', 't', 'h', 'w'],
    convs: ['h', 'w'],
  },
  {
    label: 'TR layer',
    text: 'bshw,(r0)(r1)t,(r1)(r2)h,(r2)(r3)w,(r3)(r0)s->bthw|hw',
    inputs: [['b', 's', 'h', 'w'], ['r0', 'r1', 't'], ['r1', 'r2', 'h'], ['r2', 'r3', 'w'], ['r3', 'r0', 's']],
    output: ['b', 't', 'h', 'w'],
    convs: ['h', 'w'],
  },
  {
    label: 'reshaped CP',
    text: 'b(s1)(s2)(s3)hw,r(t1)(s1),r(t2)(s2),r(t3)(s3),rhw->b(t1)(t2)(t3)hw|hw',
    inputs: [
      ['b', 's1', 's2', 's3', 'h', 'w'],
      ['r', 't1', 's1'],
      ['r', 't2', 's2'],
      ['r', 't3', 's3'],
      ['r', 'h', 'w'],
    ],
    output: ['b', 't1', 't2', 't3', 'h', 'w'],
    convs: ['h', 'w'],
  },
  {
    label: 'group conv',
    text: 'gtshw,bgshw->bgthw|hw',
    inputs: [['g', 't', 's', 'h', 'w'], ['b', 'g', 's', 'h', 'w']],
    output: ['b', 'g', 't', 'h', 'w'],
    convs: ['h', 'w'],
  },
  {
    label: 'depthwise separable',
    text: 'bshw,sh,sw->bshw|hw',
    inputs: [['b', 's', 'h', 'w'], ['s', 'h'], ['s', 'w']],
    output: ['b', 's', 'h', 'w'],
    convs: ['h', 'w'],
  },
];

/** The same string with white space around and inside every token. */
function spaced(text: string): string {
  return ` ${text.replace(/->/g, ' -> ').replace(/,/g, ' , ').replace(/\|/g, ' | ').replace(/\(/g, '( ').replace(/\)/g, ' )').replace(/([A-Za-z])(?=[A-Za-z(])/g, '$1 ')}\t\n`;
}

describe('paper strings', () => {
  for (const p of PAPER) {
    it(`reads the ${p.label} verbatim: ${p.text}`, () => {
      const { spec, problems } = parseSpec(p.text);
      expect(problems).toEqual([]);
      expect(names(spec)).toEqual({ inputs: p.inputs, output: p.output, convs: p.convs });
    });

    it(`reads the ${p.label} with white space everywhere`, () => {
      const text = spaced(p.text);
      expect(text).toContain(' ');
      const { spec, problems } = parseSpec(text);
      expect(problems).toEqual([]);
      expect(names(spec)).toEqual({ inputs: p.inputs, output: p.output, convs: p.convs });
    });

    it(`reads the ${p.label} with the conv list comma-separated`, () => {
      const text = p.text.replace('|hw', '|h,w');
      expect(text).toContain('|h,w');
      const a = parseSpec(text);
      const b = parseSpec(p.text);
      expect(a.problems).toEqual([]);
      expect(names(a.spec)).toEqual(names(b.spec));
    });
  }

  it('keeps the range of every index, including a long name in parentheses', () => {
    const text = 'bshw,(r1)t,(r2)s,(r1)(r2)hw->bthw|hw';
    const { spec } = parseSpec(text);
    const tucker = spec!;
    expect(tucker.inputs[1]!.indices[0]!.range).toEqual(at(text, '(r1)'));
    expect(tucker.inputs[3]!.indices[1]!.range).toEqual(at(text, '(r2)', 1));
    expect(tucker.output!.indices[1]!.range).toEqual(at(text, 't', 0, text.indexOf('->')));
    expect(tucker.convs[1]!.range).toEqual(at(text, 'w', 0, text.indexOf('|')));
  });

  it('accepts a diagonal (repeated index in one term) and an index written as (x) for a letter', () => {
    expect(parseSpec('ii->i').problems).toEqual([]);
    expect(names(parseSpec('(i)j,j->i').spec).inputs).toEqual([['i', 'j'], ['j']]);
  });
});

describe('string errors: code, message, exact range', () => {
  it('missing arrow: points at the end of the inputs', () => {
    for (const text of ['bshw,tshw', 'bshw,tshw|hw']) {
      const { problems } = parseSpec(text);
      const [p] = only(problems, 'missing-arrow');
      expect(p, text).toBeDefined();
      expect(p!.severity).toBe('error');
      expect(p!.message).toContain('->');
      // The inputs end at the last "w" before any "|".
      const end = text.includes('|') ? text.indexOf('|') : text.length;
      expect(p!.range).toEqual({ start: end - 1, end });
    }
  });

  it('unknown output index: the letter and the long name', () => {
    let text = 'ab,bc->ad';
    let [p] = only(parseSpec(text).problems, 'output-index-unknown');
    expect(p!.severity).toBe('error');
    expect(p!.range).toEqual(at(text, 'd'));
    expect(p!.message).toMatch(/\bd\b/);

    text = 'a(r1),(r1)c->a(r2)';
    [p] = only(parseSpec(text).problems, 'output-index-unknown');
    expect(p!.range).toEqual(at(text, '(r2)'));
    expect(p!.message).toContain('r2');
  });

  it('repeated output index: the second occurrence', () => {
    const text = 'ab,bc->aca';
    const problems = only(parseSpec(text).problems, 'output-index-repeated');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.range).toEqual({ start: text.lastIndexOf('a'), end: text.lastIndexOf('a') + 1 });
    expect(problems[0]!.message).toMatch(/\ba\b/);
  });

  it('unknown conv index', () => {
    const text = 'ab,bc->ac|bx';
    const problems = only(parseSpec(text).problems, 'conv-index-unknown');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.range).toEqual(at(text, 'x'));
    expect(problems[0]!.message).toMatch(/\bx\b/);
  });

  it('conv index listed twice', () => {
    const text = 'bh,th->bth|h,h';
    const problems = only(parseSpec(text).problems, 'conv-index-repeated');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.range).toEqual({ start: text.length - 1, end: text.length });
  });

  it('conv index repeated inside one term: the repeat', () => {
    const text = 'bhwh,thw->bthw|hw';
    const problems = only(parseSpec(text).problems, 'conv-index-repeated-in-term');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.severity).toBe('error');
    expect(problems[0]!.range).toEqual(at(text, 'h', 1));
    expect(problems[0]!.message).toMatch(/\bh\b/);
  });

  it('single-operand conv index: a warning on the conv list entry, nothing else', () => {
    const text = 'bshw,ts->bthw|hw';
    const { problems } = parseSpec(text);
    const bar = text.indexOf('|');
    expect(problems.map((p) => [p.code, p.severity, p.range])).toEqual([
      ['conv-index-single-operand', 'warning', { start: bar + 1, end: bar + 2 }],
      ['conv-index-single-operand', 'warning', { start: bar + 2, end: bar + 3 }],
    ]);
    expect(problems[0]!.message).toMatch(/\bh\b/);
    expect(problems[1]!.message).toMatch(/\bw\b/);
  });

  it('unclosed "(": the parenthesis', () => {
    for (const text of ['b(s1hw,ts->bthw', 'b(s1hw,(s1)t->bthw']) {
      const problems = only(parseSpec(text).problems, 'unclosed-name');
      expect(problems, text).toHaveLength(1);
      expect(problems[0]!.range).toEqual({ start: 1, end: 2 });
      expect(problems[0]!.message).toContain('(');
    }
  });

  it('empty and invalid names in parentheses', () => {
    let text = 'a(),b->a';
    let [p] = only(parseSpec(text).problems, 'empty-name');
    expect(p!.range).toEqual(at(text, '()'));
    text = 'a(r-1),b->a';
    [p] = only(parseSpec(text).problems, 'invalid-name');
    expect(p!.range).toEqual(at(text, '(r-1)'));
    expect(p!.message).toContain('r-1');
  });

  it('ellipsis: rejected with a clear error at each "..."', () => {
    const text = '...ij,jk->...ik';
    const problems = only(parseSpec(text).problems, 'ellipsis-unsupported');
    expect(problems.map((p) => p.range)).toEqual([at(text, '...'), at(text, '...', 1)]);
    expect(problems[0]!.message).toContain('...');
  });

  it('duplicate "->" and "|", empty conv list, empty expression', () => {
    let text = 'ab->a->b';
    expect(only(parseSpec(text).problems, 'duplicate-arrow').map((p) => p.range)).toEqual([at(text, '->', 1)]);
    text = 'bh,th->bth|h|h';
    expect(only(parseSpec(text).problems, 'duplicate-bar').map((p) => p.range)).toEqual([at(text, '|', 1)]);
    text = 'bh,th->bth|';
    expect(only(parseSpec(text).problems, 'empty-conv-list').map((p) => p.range)).toEqual([at(text, '|')]);
    const empty = parseSpec('   ');
    expect(empty.spec).toBeNull();
    expect(empty.problems.map((p) => p.code)).toEqual(['empty-expression']);
  });

  it('unexpected characters, with a hint for a lone "-"', () => {
    let text = 'ab,bc->ac;';
    let [p] = only(parseSpec(text).problems, 'unexpected-character');
    expect(p!.range).toEqual(at(text, ';'));
    text = 'ab,b2->a';
    [p] = only(parseSpec(text).problems, 'unexpected-character');
    expect(p!.range).toEqual(at(text, '2'));
    text = 'ab,bc-ac';
    [p] = only(parseSpec(text).problems, 'unexpected-character');
    expect(p!.range).toEqual(at(text, '-'));
    expect(p!.message).toContain('->');
  });

  it('a character outside the BMP is one problem, its range covering both UTF-16 halves', () => {
    const text = 'a😀b,b->a';
    const [p] = only(parseSpec(text).problems, 'unexpected-character');
    expect(p!.range).toEqual({ start: 1, end: 3 });
    expect(p!.message).toContain("'😀'");
  });

  it('reads a long string of bad characters or unclosed names with one problem each', () => {
    const n = 20_000;
    expect(parseSpec(`a${'('.repeat(n)},a->a`).problems.filter((p) => p.code === 'unclosed-name')).toHaveLength(n);
    expect(parseSpec(`a${'-'.repeat(n)},a->a`).problems.filter((p) => p.code === 'unexpected-character')).toHaveLength(n);
    // Arrows are still found after many lone dashes, with spaces inside.
    expect(parseSpec(`ab,bc${' '.repeat(3)}- >ac`).problems).toEqual([]);
  });

  it('a clean string has no problems at all', () => {
    expect(parseSpec('ij,jk->ik').problems).toEqual([]);
    expect(parseSpec('i,i->').problems).toEqual([]);
  });
});
