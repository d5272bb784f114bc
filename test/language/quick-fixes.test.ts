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
