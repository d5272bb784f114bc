/**
 * Broken and oversized documents through every provider: nothing throws, nothing is logged as
 * a provider failure, every document gets its diagnostics, and a large expression is planned
 * within the editor's budget. (The large randomized run lives with the LSP client tests.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test, vi, type MockInstance } from 'vitest';
import { cein, parseDocument } from './cein-test-kit.js';

const samples = readdirSync('samples').filter((f) => f.endsWith('.cein')).map((f) => readFileSync(`samples/${f}`, 'utf8'));

/** Truncations at several points, and the same files with one quote deleted. */
function brokenVariants(text: string): string[] {
  const cuts = [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => text.slice(0, Math.floor(text.length * f)));
  const quote = text.indexOf('"');
  const unquoted = quote >= 0 ? [text.slice(0, quote) + text.slice(quote + 1)] : [];
  return [...cuts, ...unquoted];
}

async function everyProvider(text: string): Promise<void> {
  const document = await parseDocument(text);
  expect(document.diagnostics).toBeDefined();
  const textDocument = { uri: document.uri.toString() };
  const end = document.textDocument.positionAt(text.length);
  const lsp = cein.lsp;
  for (const offset of [0, 0.25, 0.5, 0.75, 1].map((f) => Math.floor(text.length * f))) {
    const position = document.textDocument.positionAt(offset);
    await lsp.HoverProvider!.getHoverContent(document, { textDocument, position });
    await lsp.CompletionProvider!.getCompletion(document, { textDocument, position });
  }
  await lsp.CodeLensProvider!.provideCodeLens(document, { textDocument });
  await lsp.InlayHintProvider!.getInlayHints(document, { textDocument, range: { start: { line: 0, character: 0 }, end } });
  await lsp.SemanticTokenProvider!.semanticHighlight(document, { textDocument });
  await lsp.DocumentSymbolProvider!.getSymbols(document, { textDocument });
  await lsp.FoldingRangeProvider!.getFoldingRanges(document, { textDocument });
  await lsp.Formatter!.formatDocument(document, { textDocument, options: { tabSize: 2, insertSpaces: true } });
  await lsp.CodeActionProvider!.getCodeActions(document, { textDocument, range: { start: { line: 0, character: 0 }, end }, context: { diagnostics: document.diagnostics ?? [] } });
}

describe('robustness', () => {
  let errors: MockInstance;
  beforeEach(() => {
    errors = vi.spyOn(console, 'error');
  });
  afterEach(() => {
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  test('truncated samples and samples with a deleted quote', async () => {
    for (const sample of samples.filter((s) => s.length < 4000)) {
      for (const variant of brokenVariants(sample)) await everyProvider(variant);
    }
  });

  test('odd sizes and strings', async () => {
    const odd = [
      'input X[99999999999999999999]\nlayer l: Y = conv_einsum("i->i", X)\n',
      'let A = 0 - 5\ninput X[A, A]\nlayer l: Y = conv_einsum("ij->i", X)\n',
      'input X[2, 3]\nlayer l: Y = conv_einsum("", X)\n',
      'input X[2, 3]\nlayer l: Y = conv_einsum("...->", X)\n',
      'input X[2, 3]\nlayer l: Y = conv_einsum("i(j->i|(", X)\n',
      'input X[2, 3]\nlayer l: Y = conv_einsum("ij->i|i|j->", X) { i: stride 2 }\n',
      'layer l: Y = conv_einsum("ij->i")\n',
      'network n() { }\n',
      'layer l: Y = conv_einsum("ij->i", Y)\n',
      'input X[2, 3] layer',
    ];
    for (const text of odd) await everyProvider(text);
  });

  test('long operand lists: one diagnostic over the operands without a term; past 256 operands the layer is not analysed', async () => {
    const extra = `input X[2, 3]\nlayer l: Y = conv_einsum("ij->i", ${Array.from({ length: 2000 }, () => 'X').join(', ')})\n`;
    const document = await parseDocument(extra);
    const errors = (document.diagnostics ?? []).filter((d) => d.severity === 1);
    const countErrors = errors.filter((d) => d.code === 'operand-count');
    expect(countErrors).toHaveLength(1);
    // From the second X (the first without a term) to the last.
    const start = extra.indexOf('X, X') + 3;
    expect(document.textDocument.offsetAt(countErrors[0]!.range.start)).toBe(start);
    expect(document.textDocument.offsetAt(countErrors[0]!.range.end)).toBe(extra.lastIndexOf('X') + 1);
    expect(countErrors[0]!.message).toContain('X, X, X, X, X and 1994 more have no term');
    expect(errors.some((d) => d.message === '2000 operands; a layer takes at most 256, so this one is not analysed')).toBe(true);
  });

  test('constants defined in terms of later ones, 5,000 deep', async () => {
    const n = 5_000;
    const lines = Array.from({ length: n }, (_, k) => (k === n - 1 ? `let A${k} = 1` : `let A${k} = A${k + 1} + 1`));
    const document = await parseDocument(`${lines.join('\n')}\ninput X[A0]\n`);
    expect((document.diagnostics ?? []).filter((d) => d.severity === 1)).toEqual([]);
    const root = document.parseResult.value;
    expect(cein.typing.CeinTyping.typesOf(root).constantValue(root.statements[0] as never)).toBe(n);
  });

  test('nested and long past any stack, through every provider', async () => {
    const hostile = [
      `let A = ${'('.repeat(10_000)}1${')'.repeat(10_000)}\n`,
      `let A = ${'-'.repeat(50_000)}1\n`,
      `let A = ${Array.from({ length: 100_000 }, () => '1').join(' + ')}\n`,
      `input X[${'-('.repeat(5_000)}2${')'.repeat(5_000)}, 3]\n`,
      `input X[2, 3]\nlayer l: Y = conv_einsum("ij->i", X) { cap ${'('.repeat(1_000)}\n}\n`,
      `input X[2, 3]\nlayer l: Y = conv_einsum("${'ij,'.repeat(20_000)}ij->i", X)\n`,
    ];
    for (const text of [...samples.slice(0, 1).map((sample) => sample + hostile[0]), ...hostile]) {
      await everyProvider(text);
    }
  });

  test('a 20-operand chain is planned exactly within the budget: optimal among trees without outer products', async () => {
    const n = 20;
    const declarations = Array.from({ length: n }, (_, k) => `weight T${k}[3, 3]`).join('\n');
    const terms = Array.from({ length: n }, (_, k) => `(a${k})(a${k + 1})`).join(',');
    const operands = Array.from({ length: n }, (_, k) => `T${k}`).join(', ');
    const text = `${declarations}\nlayer chain: Y = conv_einsum("${terms}->(a0)(a${n})", ${operands})\n`;
    const document = await parseDocument(text);
    expect(document.diagnostics).toEqual([]);
    const started = performance.now();
    const hover = await cein.lsp.HoverProvider!.getHoverContent(document, { textDocument: { uri: document.uri.toString() }, position: document.textDocument.positionAt(text.indexOf('conv_einsum')) });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(JSON.stringify(hover)).toContain('optimal among trees without outer products');
  });

  test('a 20-operand chain whose factors all hold one more index is planned within the budget and labelled heuristic', async () => {
    // The shared index z joins every pair of factors: 2^20 - 1 connected subgraphs, past the exact searches.
    const n = 20;
    const declarations = Array.from({ length: n }, (_, k) => `weight T${k}[3, 3, 2]`).join('\n');
    const terms = Array.from({ length: n }, (_, k) => `(a${k})(a${k + 1})z`).join(',');
    const operands = Array.from({ length: n }, (_, k) => `T${k}`).join(', ');
    const text = `${declarations}\nlayer chain: Y = conv_einsum("${terms}->(a0)(a${n})z", ${operands})\n`;
    const document = await parseDocument(text);
    expect(document.diagnostics).toEqual([]);
    const started = performance.now();
    const hover = await cein.lsp.HoverProvider!.getHoverContent(document, { textDocument: { uri: document.uri.toString() }, position: document.textDocument.positionAt(text.indexOf('conv_einsum')) });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(JSON.stringify(hover)).toContain('best found (heuristic)');
  });
});
