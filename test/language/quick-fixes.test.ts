import { describe, expect, test } from 'vitest';
import type { CodeAction } from 'vscode-languageserver-types';
import { applyEdits, cein, diagnose, parseDocument } from './cein-test-kit.js';

/** The quick fixes offered for the diagnostics with `code`, and the text after applying each. */
async function fixes(text: string, code: string): Promise<{ title: string; result: string }[]> {
  const document = await parseDocument(text);
  const diagnostics = (document.diagnostics ?? []).filter((d) => d.code === code);
  expect(diagnostics.length).toBeGreaterThan(0);
  const actions = (await cein.lsp.CodeActionProvider!.getCodeActions(document, { textDocument: { uri: document.uri.toString() }, range: diagnostics[0]!.range, context: { diagnostics } })) as CodeAction[];
  return actions.map((action) => ({ title: action.title, result: applyEdits(document, action.edit?.changes?.[document.uri.toString()] ?? []) }));
}

describe('quick fixes', () => {
  test('a missing arrow: insert numpy\'s implicit output', async () => {
    const source = 'input X[2, 3]\nweight W[3, 4]\nlayer l: Y = conv_einsum("ij,jk", X, W)\n';
    const [fix] = await fixes(source, 'missing-arrow');
    expect(fix).toEqual({ title: 'Insert the implicit output "->ik"', result: source.replace('"ij,jk"', '"ij,jk->ik"') });
    expect(await diagnose(fix!.result)).toEqual([]);
  });

  test('a missing arrow before the conv list: the output goes before "|"', async () => {
    const source = 'input X[2, 3, 5, 5]\nweight W[4, 3, 3, 3]\nlayer l: Y = conv_einsum("bshw,tshw|hw", X, W)\n';
    const [fix] = await fixes(source, 'missing-arrow');
    expect(fix!.result).toBe(source.replace('"bshw,tshw|hw"', '"bshw,tshw->bt|hw"'));
    expect(await diagnose(fix!.result)).toEqual([]);
  });

  test('a size mismatch: make either declared size match the other', async () => {
    const source = 'input X[2, 3]\nweight W[4, 5]\nlayer l: Y = conv_einsum("ij,jk->ik", X, W)\n';
    const offered = await fixes(source, 'size-mismatch');
    expect(offered).toEqual([
      { title: 'Change size 1 of W (index j) to 3', result: source.replace('W[4, 5]', 'W[3, 5]') },
      { title: 'Change size 2 of X (index j) to 4', result: source.replace('X[2, 3]', 'X[2, 4]') },
    ]);
    for (const { result } of offered) expect(await diagnose(result)).toEqual([]);
  });

  test('an unknown output index: replace it with the input index the output lacks, or remove it', async () => {
    // t occurs once among the inputs and not in the output: the x is a typo of it.
    const source = 'input X[2, 3, 5, 5]\nweight W[4, 3, 3, 3]\nlayer l: Y = conv_einsum("bshw,tshw->bxhw|hw", X, W)\n';
    const offered = await fixes(source, 'output-index-unknown');
    expect(offered).toEqual([
      { title: 'Replace x with t', result: source.replace('->bxhw', '->bthw') },
      { title: 'Remove x from the output', result: source.replace('->bxhw', '->bhw') },
    ]);
    // Both are valid layers: t a free index, or t summed away (a reduced index).
    for (const { result } of offered) expect((await diagnose(result)).filter((d) => d.severity === 'error')).toEqual([]);
    expect(await diagnose(offered[0]!.result)).toEqual([]);
  });

  test('an unknown named output index: the replacement is written as a name', async () => {
    const source = 'input X[2, 3]\nweight W[3, 4]\nlayer l: Y = conv_einsum("(b1)(s1),(s1)(t1)->(b1)(t2)", X, W)\n';
    const offered = await fixes(source, 'output-index-unknown');
    expect(offered.map((f) => f.title)).toEqual(['Replace (t2) with (t1)', 'Remove (t2) from the output']);
    expect(offered[0]!.result).toBe(source.replace('->(b1)(t2)', '->(b1)(t1)'));
    expect(await diagnose(offered[0]!.result)).toEqual([]);
  });

  test('an unknown output index: every index the output lacks that occurs once is offered; none when all occur twice', async () => {
    const several = 'input A[2, 3]\nweight B[3, 4]\nlayer l: Y = conv_einsum("ij,jk->x", A, B)\n';
    const offered = await fixes(several, 'output-index-unknown');
    expect(offered).toEqual([
      { title: 'Replace x with i', result: several.replace('->x', '->i') },
      { title: 'Replace x with k', result: several.replace('->x', '->k') },
      { title: 'Remove x from the output', result: several.replace('->x', '->') },
    ]);
    for (const { result } of offered) expect((await diagnose(result)).filter((d) => d.severity === 'error')).toEqual([]);

    // i and j each occur twice, so no index could be what x stands for: only the removal.
    const trace = 'input A[3, 3]\nweight B[3, 3]\nlayer l: Y = conv_einsum("ij,ji->ix", A, B)\n';
    expect(await fixes(trace, 'output-index-unknown')).toEqual([{ title: 'Remove x from the output', result: trace.replace('->ix', '->i') }]);
  });

  test('an unused declaration: remove its line', async () => {
    const source = 'let R = 4\ninput X[2, 3]\nlayer l: Y = conv_einsum("ij->i", X)\n';
    expect(await fixes(source, 'unused-declaration')).toEqual([{ title: 'Remove the unused declaration of R', result: 'input X[2, 3]\nlayer l: Y = conv_einsum("ij->i", X)\n' }]);
  });

  test('an unused declaration sharing its line keeps the rest of the line', async () => {
    const source = 'input X[2, 3] let R = 4\nlayer l: Y = conv_einsum("ij->i", X)\n';
    const [fix] = await fixes(source, 'unused-declaration');
    expect(fix!.result).toBe('input X[2, 3] \nlayer l: Y = conv_einsum("ij->i", X)\n');
  });

  test('a term without an operand: add a declared tensor whose rank fits', async () => {
    const source = 'input X[2, 3]\nweight W[3, 4]\nweight V[7]\nlayer l: Y = conv_einsum("ij,jk->ik", X)\nlayer m: Z = conv_einsum("i->i", V)\n';
    const offered = await fixes(source, 'operand-count');
    expect(offered).toEqual([{ title: 'Add operand W for term "jk"', result: source.replace('conv_einsum("ij,jk->ik", X)', 'conv_einsum("ij,jk->ik", X, W)') }]);
    expect(await diagnose(offered[0]!.result)).toEqual([]);
  });
});
