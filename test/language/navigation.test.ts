/** Rename, go to definition, find references, the outline and folding. */
import { describe, expect, test } from 'vitest';
import { applyEdits, cein, parseDocument } from './cein-test-kit.js';

async function rename(text: string, at: string, newName: string): Promise<string> {
  const document = await parseDocument(text);
  const edit = await cein.lsp.RenameProvider!.rename(document, { textDocument: { uri: document.uri.toString() }, position: document.textDocument.positionAt(text.indexOf(at)), newName });
  return applyEdits(document, edit?.changes?.[document.uri.toString()] ?? []);
}

describe('rename', () => {
  const SOURCE = 'let R = 2\ninput X[2, R]\nweight W[R, 3]\nlayer a: Y = conv_einsum("ij,jk->ik", X, W)\nlayer b: Z = conv_einsum("ik->i", Y)\n';

  test('a size constant, from its declaration: every use follows', async () => {
    expect(await rename(SOURCE, 'R =', 'Rank')).toBe('let Rank = 2\ninput X[2, Rank]\nweight W[Rank, 3]\nlayer a: Y = conv_einsum("ij,jk->ik", X, W)\nlayer b: Z = conv_einsum("ik->i", Y)\n');
  });

  test('a tensor, from an operand', async () => {
    expect(await rename(SOURCE, 'W)', 'Weights')).toBe('let R = 2\ninput X[2, R]\nweight Weights[R, 3]\nlayer a: Y = conv_einsum("ij,jk->ik", X, Weights)\nlayer b: Z = conv_einsum("ik->i", Y)\n');
  });

  test('a layer output: the layers that use it follow', async () => {
    expect(await rename(SOURCE, 'Y =', 'Hidden')).toBe('let R = 2\ninput X[2, R]\nweight W[R, 3]\nlayer a: Hidden = conv_einsum("ij,jk->ik", X, W)\nlayer b: Z = conv_einsum("ik->i", Hidden)\n');
  });

  test('a name in a network renames the network-local declaration, not the outer one', async () => {
    const source = 'let R = 2\ninput X[R]\nnetwork n(X) {\n  let R = 3\n  weight W[R]\n  layer l: Y = conv_einsum("i,j->ij", X, W)\n}\n';
    expect(await rename(source, 'R = 3', 'Q')).toBe('let R = 2\ninput X[R]\nnetwork n(X) {\n  let Q = 3\n  weight W[Q]\n  layer l: Y = conv_einsum("i,j->ij", X, W)\n}\n');
  });
});

const SOURCE = `// a small network
let R = 2
input X[2, R]
weight A[R, 3]
weight B[3, 4]
network n(X) {
  layer a: Y1 = conv_einsum("ij,jk->ik", X, A)
  layer b: Y2 = conv_einsum("ik,kl->il", Y1, B) {
    objective memory
  }
}
`;

const params = (uri: string) => ({ textDocument: { uri } });

describe('navigation', () => {
  test('go to definition: from an operand to the layer output that defines it', async () => {
    const document = await parseDocument(SOURCE);
    const links = await cein.lsp.DefinitionProvider!.getDefinition(document, { ...params(document.uri.toString()), position: document.textDocument.positionAt(SOURCE.indexOf('Y1, B')) });
    const target = links?.[0]?.targetSelectionRange;
    expect(target && document.textDocument.offsetAt(target.start)).toBe(SOURCE.indexOf('Y1 ='));
  });

  test('find references: a size constant in every place it is used', async () => {
    const document = await parseDocument(SOURCE);
    const references = await cein.lsp.ReferencesProvider!.findReferences(document, { ...params(document.uri.toString()), position: document.textDocument.positionAt(SOURCE.indexOf('R =')), context: { includeDeclaration: false } });
    expect(references.map((r) => document.textDocument.offsetAt(r.range.start))).toEqual([SOURCE.indexOf('R]'), SOURCE.indexOf('R, 3')]);
  });

  test('document symbols: the network holds its layers; each symbol carries its shape or value', async () => {
    const document = await parseDocument(SOURCE);
    const symbols = await cein.lsp.DocumentSymbolProvider!.getSymbols(document, params(document.uri.toString()));
    expect(symbols.map((s) => [s.name, s.detail])).toEqual([['R', '2'], ['X', '2x2'], ['A', '2x3'], ['B', '3x4'], ['n', undefined]]);
    const network = symbols.at(-1)!;
    expect(network.children?.map((s) => [s.name, s.detail])).toEqual([['a', 'ij,jk->ik'], ['b', 'ik,kl->il']]);
    expect(network.children?.[0]?.children?.map((s) => [s.name, s.detail])).toEqual([['Y1', '2x3']]);
  });

  test('folding: the network and the options block fold', async () => {
    const document = await parseDocument(SOURCE);
    const ranges = await cein.lsp.FoldingRangeProvider!.getFoldingRanges(document, params(document.uri.toString()));
    const lines = ranges.map((r) => [r.startLine, r.endLine]);
    expect(lines).toEqual(expect.arrayContaining([[5, 9], [7, 8]]));
  });
});
