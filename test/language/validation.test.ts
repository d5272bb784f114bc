/**
 * Every validation rule: its code, severity, message and exactly what it underlines. Sources
 * mark the expected range with <|...|>. Messages owned by the engine are matched by their
 * gist, so that rewording them there does not break these tests.
 */
import { describe, expect, test } from 'vitest';
import { diagnose, marked, parseDocument, seen } from './cein-test-kit.js';

/** The diagnostics of a marked source, each with the text it underlines, and the marked ranges. */
async function check(source: string) {
  const { text, ranges } = marked(source);
  return { diagnostics: await diagnose(text), ranges };
}

/** The one diagnostic of a marked source (or all of them, so that a failure shows them), and the marked range. */
async function only(source: string) {
  const { diagnostics, ranges } = await check(source);
  return { diagnostic: diagnostics.length === 1 ? diagnostics[0] : diagnostics, range: ranges[0] };
}

const at = (range: { start: number; end: number } | undefined) => ({ start: range!.start, end: range!.end });

describe('validation: names', () => {
  test('a name declared twice in one block: the second is an error', async () => {
    const { diagnostics, ranges } = await check('let A = 2\nlet <|A|> = 3\ninput X[A, 2]\nlayer l: Y = conv_einsum("ij->i", X)\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'duplicate-name', severity: 'error', message: 'A is already declared on line 1', start: ranges[0]!.start, end: ranges[0]!.end })]);
  });

  test('a layer output shares the namespace of tensors', async () => {
    const { diagnostics } = await check('input X[2, 3]\nlayer l: X = conv_einsum("ij->i", X)\n');
    expect(diagnostics.filter((d) => d.code === 'duplicate-name')).toEqual([expect.objectContaining({ message: 'X is already declared on line 1', underlined: 'X' })]);
  });

  test('two layers with one label', async () => {
    const { diagnostics } = await check('input X[2, 3]\nlayer l: Y = conv_einsum("ij->i", X)\nlayer l: Z = conv_einsum("ij->j", X)\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'duplicate-name', message: 'l is already declared on line 2', underlined: 'l' })]);
  });

  test('a network may reuse a name of the file: the inner one shadows it', async () => {
    const { diagnostics } = await check('input X[2, 3]\nnetwork n(X) {\n  weight X2[3, 3]\n  let B = 1\n  layer l: Y = conv_einsum("ij,jk->ik", X, X2)\n}\nlet B = 2\nlayer m: Z = conv_einsum("ij->i", X) { }\ninput Q[B]\nlayer q: W = conv_einsum("i->i", Q)\n');
    expect(diagnostics.filter((d) => d.code === 'duplicate-name')).toEqual([]);
  });

  test('an unused constant or tensor is a warning on its name', async () => {
    const { diagnostics, ranges } = await check('let <|R|> = 4\ninput X[2, 3]\nweight <|W|>[3, 3]\nlayer l: Y = conv_einsum("ij->i", X)\n');
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'unused-declaration', severity: 'warning', message: 'R is declared but never used', start: ranges[0]!.start, end: ranges[0]!.end }),
      expect.objectContaining({ code: 'unused-declaration', severity: 'warning', message: 'W is declared but never used', start: ranges[1]!.start, end: ranges[1]!.end }),
    ]);
  });

  test('an unknown operand name is an error on the name', async () => {
    const { diagnostics } = await check('input X[2, 3]\nlayer l: Y = conv_einsum("ij,jk->ik", X, Z)\n');
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining("named 'Z'"), underlined: 'Z' })]);
  });

  test('an unknown size constant is an error on the name', async () => {
    const { diagnostics } = await check('input X[2, S]\nlayer l: Y = conv_einsum("ij->i", X)\n');
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining("named 'S'"), underlined: 'S' })]);
  });

  test('a network input that none of its layers uses is a warning', async () => {
    const { diagnostics } = await check('input X[2, 3]\ninput Q[3]\nnetwork n(X, Q) {\n  layer l: Y = conv_einsum("ij->i", X)\n}\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'unused-network-input', severity: 'warning', message: 'input Q of network n is not used by any of its layers', underlined: 'Q' })]);
  });
});

/** A layer that uses X, for sources that declare X. */
const USE_X = '\nlayer l: Y = conv_einsum("ij->i", X)\n';

describe('validation: sizes', () => {
  test('a non-positive tensor size is an error on that size', async () => {
    const { diagnostic, range } = await only(`input X[<|0|>, 3]${USE_X}`);
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'non-positive-size', severity: 'error', message: 'size 1 of X is 0; it must be positive', ...range }));
  });

  test('a size computed as negative', async () => {
    const { diagnostic, range } = await only(`let A = 2\ninput X[3, <|A - 5|>]${USE_X}`);
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'non-positive-size', message: 'size 2 of X is -3; it must be positive', ...range }));
  });

  test('division by zero', async () => {
    const { diagnostic, range } = await only(`let A = <|4 / 0|>\ninput X[A, 3]${USE_X}`);
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'division-by-zero', message: 'division by zero', ...range }));
  });

  test('division must be exact', async () => {
    const { diagnostic, range } = await only(`let S = 64\ninput X[<|S / 3|>, 3]${USE_X}`);
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'inexact-division', message: '64 / 3 is not a whole number; sizes divide exactly', ...range }));
  });

  test('a constant defined in terms of itself', async () => {
    const { diagnostic, range } = await only(`let A = B + 1\nlet B = <|A|>\ninput X[A, 3]${USE_X}`);
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'cyclic-constant', message: 'A is defined in terms of itself', ...range }));
  });

  const LIMIT = 'above 2^53 - 1 = 9007199254740991, the largest size cein can count exactly';

  test('a size beyond exact integers', async () => {
    const { diagnostic, range } = await only(`let A = <|100000000 * 100000000|>\ninput X[A, 3]${USE_X}`);
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'size-too-large', message: `10000000000000000 is ${LIMIT}`, ...range }));
  });

  test('a literal of 2^53 + 1 is named as written, not as float64 rounds it', async () => {
    const { diagnostic, range } = await only(`input X[<|9007199254740993|>, 3]${USE_X}`);
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'size-too-large', severity: 'error', message: `9007199254740993 is ${LIMIT}`, ...range }));
  });

  test('the largest exact size, 2^53 - 1, is accepted; one more by arithmetic is not', async () => {
    expect(await diagnose(`input X[9007199254740991, 1]${USE_X}`)).toEqual([]);
    const { diagnostic, range } = await only(`let A = 9007199254740991\ninput X[<|A + 1|>, 1]${USE_X}`);
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'size-too-large', message: `9007199254740992 is ${LIMIT}`, ...range }));
  });

  test('a difference below -(2^53 - 1)', async () => {
    const { diagnostic, range } = await only(`let A = <|0 - 9007199254740991 - 9007199254740991|>\ninput X[A, 3]${USE_X}`);
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'size-too-large', message: expect.stringContaining('below -(2^53 - 1)'), ...range }));
  });

  test('a padded conv input beyond 2^53 - 1 is an error on the conv index in the string', async () => {
    const { diagnostic, range } = await only('input X[2, 9007199254740000]\nweight K[3]\nlayer l: Y = conv_einsum("bh,h->bh|<|h|>", X, K) { h: padding 1000 }\n');
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'size-too-large', severity: 'error', message: expect.stringContaining('2^53'), ...range }));
  });

  test('sizes from arithmetic reach the engine', async () => {
    const diagnostics = await diagnose('let S = 64\nlet R = S / 4 - 2 * (1 + 1)\ninput X[R, 3]\nweight W[12, 3]\nlayer l: Y = conv_einsum("ij,ij->i", X, W)\n');
    expect(diagnostics).toEqual([]);
  });
});

describe('validation: options', () => {
  const CONV = (options: string) => `input X[2, 8]\nweight K[3]\nlayer l: Y = conv_einsum("bh,h->bh|h", X, K) { ${options} }\n`;

  test('an unknown padding mode is an error on the mode', async () => {
    const { diagnostic, range } = await only(CONV('h: mode <|wrap|>'));
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'invalid-option', message: 'padding mode "wrap" is not one of: zeros, circular, reflect, replicate', ...range }));
  });

  test('an unknown objective is an error on the objective', async () => {
    const { diagnostic, range } = await only(CONV('objective <|speed|>'));
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'invalid-option', message: 'objective "speed" is not one of: flops, memory, training', ...range }));
  });

  test('a setting given twice', async () => {
    const { diagnostic, range } = await only(CONV('h: padding 1, stride 1, <|stride 1|>'));
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'duplicate-option', message: 'stride of h is given twice', ...range }));
  });

  test('the options of one index given in two places', async () => {
    const { diagnostic } = await only(CONV('h: stride 1 h: dilation 1'));
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'duplicate-option', message: 'the options of index h are given twice', underlined: 'h: dilation 1' }));
  });

  test('a stride of zero is an error on the value', async () => {
    const { diagnostic, range } = await only(CONV('h: stride <|0|>'));
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'non-positive-size', message: 'stride of h is 0; it must be positive', ...range }));
  });

  test('negative padding', async () => {
    const { diagnostic, range } = await only(CONV('h: padding <|0 - 1|>'));
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'non-positive-size', message: 'padding of h is -1; it must be at least 0', ...range }));
  });

  test('a memory cap of zero', async () => {
    const { diagnostic, range } = await only(CONV('cap <|0|>'));
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'non-positive-size', message: 'the memory cap is 0; it must be positive', ...range }));
  });

  test('options on an index that is not a conv index: the engine says so, on the index', async () => {
    const { diagnostic, range } = await only(CONV('<|b|>: stride 2, padding 0'));
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'option-not-conv', message: expect.stringMatching(/b, which is not a conv index/), ...range }));
  });

  test('options on an index the expression does not have', async () => {
    const { diagnostic, range } = await only(CONV('<|q|>: stride 2'));
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'option-unknown-index', message: expect.stringMatching(/q, which is not an index of the expression/), ...range }));
  });

  test('"same" padding with a stride: the engine says so, on the stride that breaks it', async () => {
    const { diagnostic, range } = await only(CONV('h: <|stride 2|>'));
    expect(diagnostic).toEqual(expect.objectContaining({ code: 'same-padding-stride', message: expect.stringMatching(/"same" of h needs stride 1/), ...range }));
  });
});

describe('validation: operands against the terms of the string', () => {
  test('fewer operands than terms: the terms without an operand are underlined in the string', async () => {
    const { diagnostics, ranges } = await check('input X[2, 3]\nlayer l: Y = conv_einsum("ij,<|jk,k|>->i", X)\n');
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'operand-count', message: 'the expression has 3 terms but 1 operand is given: terms "jk", "k" have no operand', ...at(ranges[0]) }),
    ]);
  });

  test('more operands than terms: each extra operand is underlined', async () => {
    const { diagnostics, ranges } = await check('input X[2, 3]\ninput Z[3]\nlayer l: Y = conv_einsum("ij->i", X, <|Z|>)\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'operand-count', message: 'the expression has 1 term but 2 operands are given: Z has no term', ...at(ranges[0]) })]);
  });

  test('a declared rank that does not fit the term: the term is underlined', async () => {
    const { diagnostics, ranges } = await check('input X[2, 3]\ninput Z[3, 4]\nlayer l: Y = conv_einsum("ij,<|jkl|>->i", X, Z)\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'rank-mismatch', message: 'Z has shape 3x4 (rank 2), but its term "jkl" has 3 indices', ...at(ranges[0]) })]);
  });
});

describe('validation: engine problems inside the string', () => {
  test('an output index that no input has: exactly that letter is underlined', async () => {
    const { diagnostics, ranges } = await check('input X[2, 3]\nlayer l: Y = conv_einsum("ij->i<|x|>", X)\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'output-index-unknown', severity: 'error', message: expect.stringContaining('output index x'), ...at(ranges[0]) })]);
  });

  test('escapes before the index shift the range by the extra characters of the literal', async () => {
    // In the document `\t` is two characters, in the string's value one (white space).
    const { diagnostics, ranges } = await check('input X[2, 3]\nlayer l: Y = conv_einsum("i\\tj->i<|x|>", X)\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'output-index-unknown', ...at(ranges[0]) })]);
  });

  test('a named index: the whole (name) is underlined', async () => {
    const { diagnostics, ranges } = await check('input X[2, 3]\nlayer l: Y = conv_einsum("i(j1)->i<|(t2)|>", X)\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'output-index-unknown', message: expect.stringContaining('(t2)'), ...at(ranges[0]) })]);
  });

  test('a missing arrow', async () => {
    const { diagnostics } = await check('input X[2, 3]\nlayer l: Y = conv_einsum("ij", X)\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'missing-arrow', underlined: 'j' })]);
  });

  test('a size mismatch of a plain index: the later occurrence is underlined, with the declarations as related information', async () => {
    const { text, ranges } = marked('input X[2, 3]\nweight W[4, 5]\nlayer l: Y = conv_einsum("ij,<|j|>k->ik", X, W)\n');
    const document = await parseDocument(text);
    const [diagnostic] = document.diagnostics!;
    expect(seen(document, [diagnostic!])).toEqual([expect.objectContaining({ code: 'size-mismatch', message: expect.stringMatching(/j has size 3 and 4/), ...at(ranges[0]) })]);
    expect(diagnostic!.relatedInformation?.map((r) => r.message)).toEqual(['W is declared here, shape 4x5']);
  });

  test('a conv output that would be empty: the conv index is underlined', async () => {
    const { diagnostics, ranges } = await check('input X[2, 5]\nweight K[3]\nlayer l: Y = conv_einsum("bh,h->bh|<|h|>", X, K) { h: dilation 3, padding valid }\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'conv-output-empty', ...at(ranges[0]) })]);
  });

  test('a conv index in one operand only is a warning', async () => {
    const { diagnostics, ranges } = await check('input X[2, 5]\nweight K[5]\nlayer l: Y = conv_einsum("bh,c->bhc|<|h|>", X, K)\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'conv-index-single-operand', severity: 'warning', ...at(ranges[0]) })]);
  });
});

describe('validation: networks and the memory cap', () => {
  test("a layer output whose shape does not fit the next layer's weights", async () => {
    const source = 'input X[2, 3]\nweight A[3, 4]\nweight B[5, 6]\nnetwork n(X) {\n  layer a: Y1 = conv_einsum("ij,jk->ik", X, A)\n  layer b: Y2 = conv_einsum("ik,<|k|>l->il", Y1, B)\n}\n';
    const { diagnostics, ranges } = await check(source);
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'network-shape-mismatch', message: expect.stringMatching(/^Y1, the output of layer a \(2x4\), does not fit this layer: .*k has size 4 and 5/), ...at(ranges[0]) }),
    ]);
  });

  test("a layer output whose rank does not fit the next layer's term", async () => {
    const source = 'input X[2, 3]\nweight A[3, 4]\nnetwork n(X) {\n  layer a: Y1 = conv_einsum("ij,jk->ik", X, A)\n  layer b: Y2 = conv_einsum("<|ikm|>->i", Y1)\n}\n';
    const { diagnostics, ranges } = await check(source);
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'network-shape-mismatch', message: 'Y1, the output of layer a, has shape 2x4 (rank 2), but its term "ikm" has 3 indices', ...at(ranges[0]) }),
    ]);
  });

  test('shapes flow: a layer output of the engine-inferred shape fits the next layer', async () => {
    const source = 'input X[2, 3, 8]\nweight K[3]\nweight W[5, 3]\nnetwork n(X) {\n  layer a: Y1 = conv_einsum("bsh,h->bsh|h", X, K) { h: stride 2, padding 1 }\n  layer b: Y2 = conv_einsum("bsh,ts->bth", Y1, W)\n}\n';
    expect((await check(source)).diagnostics).toEqual([]);
  });

  test('a layer cannot use the output of a layer below it', async () => {
    const { diagnostics, ranges } = await check('input X[2, 3]\nlayer a: Y1 = conv_einsum("ij->i", <|Y2|>)\nlayer b: Y2 = conv_einsum("ij->i", X)\n');
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'used-before-computed', message: 'Y2 is the output of layer b, which comes later; a layer can only use outputs of the layers above it', ...at(ranges[0]) }),
    ]);
  });

  test('a memory cap that no evaluation order meets is an error on the cap', async () => {
    const source = 'input X[2, 4, 5, 5]\nweight Ut[2, 4]\nweight Us[2, 4]\nweight Kh[2, 3]\nweight Kw[2, 3]\nlayer cp: Y = conv_einsum("bshw,rt,rs,rh,rw->bthw|hw", X, Ut, Us, Kh, Kw) { cap <|10|> }\n';
    const { diagnostics, ranges } = await check(source);
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'memory-cap-infeasible', message: expect.stringContaining('memory cap of 10 elements'), ...at(ranges[0]) })]);
  });

  test('a cap the best order meets is fine', async () => {
    // The largest intermediate of the best order is 100 elements: X contracted with Us, 2x2x5x5.
    const source = 'input X[2, 4, 5, 5]\nweight Ut[2, 4]\nweight Us[2, 4]\nweight Kh[2, 3]\nweight Kw[2, 3]\nlayer cp: Y = conv_einsum("bshw,rt,rs,rh,rw->bthw|hw", X, Ut, Us, Kh, Kw) { cap 100 }\n';
    expect((await check(source)).diagnostics).toEqual([]);
  });
});
