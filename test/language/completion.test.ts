import { describe, expect, test } from 'vitest';
import type { CompletionItem } from 'vscode-languageserver-types';
import { cein, marked, parseDocument } from './cein-test-kit.js';

/** Completion items at the `<||>` marker. */
async function complete(source: string): Promise<CompletionItem[]> {
  const { text, ranges } = marked(source);
  const document = await parseDocument(text);
  const list = await cein.lsp.CompletionProvider!.getCompletion(document, { textDocument: { uri: document.uri.toString() }, position: document.textDocument.positionAt(ranges[0]!.start) });
  return list?.items ?? [];
}

const labels = (items: readonly CompletionItem[]) => items.map((i) => i.label);

const HEAD = 'let R = 2\ninput X[2, 4, 5, 5]\nweight W[4, 4, 3, 3]\n';

describe('completion', () => {
  test('operands: the tensors in scope, not the size constants', async () => {
    const items = labels(await complete(`${HEAD}layer l: Y = conv_einsum("bshw,tshw->bthw|hw", X, <||>`));
    expect(items).toEqual(expect.arrayContaining(['X', 'W']));
    expect(items).not.toContain('R');
  });

  test('an earlier layer output is an operand candidate', async () => {
    const items = labels(await complete(`${HEAD}layer a: Y = conv_einsum("bshw,tshw->bthw|hw", X, W)\nlayer b: Z = conv_einsum("bshw->b", <||>`));
    expect(items).toEqual(expect.arrayContaining(['X', 'W', 'Y']));
  });

  test("neither the layer's own output nor a later layer's output is an operand candidate", async () => {
    const items = labels(await complete(`${HEAD}layer a: Y = conv_einsum("bshw,tshw->bthw|hw", X, W)\nlayer b: Z = conv_einsum("bshw->b", <||>)\nlayer c: Q = conv_einsum("bshw->b", Y)`));
    expect(items).toEqual(expect.arrayContaining(['X', 'W', 'Y']));
    expect(items).not.toContain('Z');
    expect(items).not.toContain('Q');
  });

  test('sizes: the size constants', async () => {
    expect(labels(await complete(`${HEAD}weight V[<||>`))).toContain('R');
  });

  test('an options block offers the indices of its expression, conv indices first, and the option keywords', async () => {
    const items = await complete(`${HEAD}layer l: Y = conv_einsum("bshw,tshw->bthw|hw", X, W) { <||> }`);
    const indices = items.filter((i) => i.detail?.includes('index')).sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
    expect(labels(indices)).toEqual(['h', 'w', 'b', 's', 't']);
    expect(labels(items)).toEqual(expect.arrayContaining(['objective', 'cap']));
  });

  test('the settings of an index', async () => {
    const items = labels(await complete(`${HEAD}layer l: Y = conv_einsum("bshw,tshw->bthw|hw", X, W) { h: <||> }`));
    expect(items).toEqual(expect.arrayContaining(['stride', 'dilation', 'padding', 'mode']));
  });

  test('padding modes after mode', async () => {
    const items = labels(await complete(`${HEAD}layer l: Y = conv_einsum("bshw,tshw->bthw|hw", X, W) { h: mode <||> }`));
    expect(items).toEqual(['zeros', 'circular', 'reflect', 'replicate']);
  });

  test('objectives after objective', async () => {
    const items = labels(await complete(`${HEAD}layer l: Y = conv_einsum("bshw,tshw->bthw|hw", X, W) { objective <||> }`));
    expect(items).toEqual(['flops', 'memory', 'training']);
  });

  test('named padding after padding', async () => {
    const items = labels(await complete(`${HEAD}layer l: Y = conv_einsum("bshw,tshw->bthw|hw", X, W) { h: padding <||> }`));
    expect(items).toEqual(expect.arrayContaining(['same', 'valid', 'full', 'R']));
  });
});
