/**
 * The expression limits: a size expression nested or running past them gets one error, on the
 * token where the limit is passed, and the file is not analysed further; up to the limits,
 * sizes evaluate as usual. Expected offsets follow from how each text is built.
 */
import { describe, expect, test } from 'vitest';
import { isSizeConstant } from '../../server/src/language/generated/ast.js';
import { MAX_NESTING, MAX_OPERATORS } from '../../server/src/language/parsing/expression-limits.js';
import { cein, diagnose, parseDocument } from './cein-test-kit.js';

const LET = 'let A = ';

async function constantValues(text: string): Promise<(number | undefined)[]> {
  const document = await parseDocument(text);
  expect(document.diagnostics?.filter((d) => d.severity === 1).map((d) => d.message)).toEqual([]);
  const root = document.parseResult.value;
  return root.statements.filter(isSizeConstant).map((constant) => cein.typing.CeinTyping.typesOf(root).constantValue(constant));
}

async function limitError(text: string): Promise<{ start: number; underlined: string; message: string }> {
  const diagnostics = await diagnose(text);
  expect(diagnostics, JSON.stringify(diagnostics)).toHaveLength(1);
  const [only] = diagnostics;
  expect(only!.severity).toBe('error');
  return { start: only!.start, underlined: only!.underlined, message: only!.message };
}

const sum = (operators: number) => Array.from({ length: operators + 1 }, () => '1').join(' + ');

describe('nesting', () => {
  test('parentheses one level too deep: the error is on the first parenthesis past the limit', async () => {
    const depth = MAX_NESTING + 1;
    const error = await limitError(`${LET}${'('.repeat(depth)}7${')'.repeat(depth)}\n`);
    expect(error).toMatchObject({ start: LET.length + MAX_NESTING, underlined: '(' });
    expect(error.message).toContain(`nested too deeply: more than ${MAX_NESTING} levels`);
  });

  test('minus signs one too many: the error is on that sign', async () => {
    const error = await limitError(`${LET}${'-'.repeat(MAX_NESTING + 1)}7\n`);
    expect(error).toMatchObject({ start: LET.length + MAX_NESTING, underlined: '-' });
    expect(error.message).toContain('nested too deeply');
  });

  test('signs and parentheses count together: -(-(-( ...', async () => {
    const pairs = MAX_NESTING; // twice the limit of openers
    const error = await limitError(`${LET}${'-('.repeat(pairs)}7${')'.repeat(pairs)}\n`);
    // The openers alternate - ( - ( ...; the one at index MAX_NESTING is a minus (MAX_NESTING is even).
    expect(error).toMatchObject({ start: LET.length + MAX_NESTING, underlined: '-' });
  });

  test('at the limit the expression is read and evaluated: 32 parentheses, 32 minus signs', async () => {
    const parens = `${LET}${'('.repeat(MAX_NESTING)}7${')'.repeat(MAX_NESTING)}\n`;
    const signs = `let B = ${'-'.repeat(MAX_NESTING)}7\n`; // an even number of signs
    expect(await constantValues(parens + signs)).toEqual([7, 7]);
  });

  test('closed parentheses do not count: many shallow groups in a row', async () => {
    const groups = Array.from({ length: 100 }, () => '(2 - 1)').join(' * ');
    expect(await constantValues(`${LET}${groups}\n`)).toEqual([1]);
  });
});

describe('length', () => {
  test('one operator too many: the error is on that operator', async () => {
    const error = await limitError(`${LET}${sum(MAX_OPERATORS + 1)}\n`);
    // "1 + 1 + ...": the k-th "+" (k from 1) is at 4k - 2.
    expect(error).toMatchObject({ start: LET.length + 4 * (MAX_OPERATORS + 1) - 2, underlined: '+' });
    expect(error.message).toContain(`more than ${MAX_OPERATORS} operators`);
  });

  test('at the limit the sum is evaluated, and the limit is per expression, not per file', async () => {
    const text = `${LET}${sum(MAX_OPERATORS)}\nlet B = ${sum(MAX_OPERATORS)}\ninput X[${sum(200)}, ${sum(200)}]\n`;
    expect(await constantValues(text)).toEqual([MAX_OPERATORS + 1, MAX_OPERATORS + 1]);
  });

  test('operators inside parentheses count towards the expression', async () => {
    const group = `(${sum(MAX_OPERATORS / 2)})`; // 128 operators inside
    const text = `${LET}${group} * ${group}\n`; // 128 + 1 + 128 = 257
    const error = await limitError(text);
    expect(error.underlined).toBe('+');
    expect(error.start).toBe(text.lastIndexOf('+'));
  });
});

describe('a document past the limits', () => {
  test('is an empty file for every later stage: no other diagnostics, no symbols', async () => {
    const text = `let B = 2\ninput X[B, 3]\nlayer l: Y = conv_einsum("ij->i", X, Q)\n${LET}${'('.repeat(1000)}1${')'.repeat(1000)}\n`;
    const document = await parseDocument(text);
    expect(document.parseResult.value.statements).toEqual([]);
    expect(document.diagnostics).toHaveLength(1);
    const symbols = await cein.lsp.DocumentSymbolProvider!.getSymbols(document, { textDocument: { uri: document.uri.toString() } });
    expect(symbols).toEqual([]);
  });
});
