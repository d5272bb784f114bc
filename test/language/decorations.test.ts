/** What the editor draws over the text: code lenses, inlay hints and semantic tokens. */
import { SemanticTokensDecoder } from 'langium/lsp';
import { describe, expect, test } from 'vitest';
import { cein, parseDocument, SMALL_CP } from './cein-test-kit.js';

async function lenses(text: string) {
  const document = await parseDocument(text);
  const lenses = (await cein.lsp.CodeLensProvider!.provideCodeLens(document, { textDocument: { uri: document.uri.toString() } })) ?? [];
  return lenses.map((l) => ({ line: l.range.start.line, title: l.command?.title, command: l.command?.command, arguments: l.command?.arguments }));
}

describe('code lens', () => {
  test('above a layer: FLOPs, the ratio to left-to-right, peak memory, and the actions', async () => {
    // Hand computed in hover.test.ts: 1,400 MACs = 2,800 FLOPs against 5,600 MACs left to right.
    // Peak for the plan's order (((X·Us)·Kw)·Kh)·Ut: 100 + 100 live, then 100 + 200 = 300
    // elements = 1,200 B = 1.17 KiB. Parameters: Ut, Us 2*4 + Kh, Kw 2*3 = 28 of the dense
    // kernel's 4*4*3*3 = 144: 19.4 %.
    const found = await lenses(SMALL_CP);
    const uri = found[1]!.arguments![0].uri;
    expect(found).toEqual([
      { line: 7, title: '2,800 FLOPs · 4.00x fewer than left-to-right · 19 % params · peak 1.17 KiB', command: '', arguments: undefined },
      { line: 7, title: 'Run', command: 'cein.run', arguments: [{ uri, layer: 'cp' }] },
      { line: 7, title: 'Benchmark', command: 'cein.bench', arguments: [{ uri, layer: 'cp' }] },
      { line: 7, title: 'Show plan', command: 'cein.plan', arguments: [{ uri, layer: 'cp' }] },
      { line: 7, title: 'PyTorch', command: 'cein.torch', arguments: [{ uri, layer: 'cp' }] },
    ]);
  });

  test('above a network: its total; a layer of a network names the network in its actions', async () => {
    // 24 + 40 MACs = 128 FLOPs (see hover.test.ts). A and B are each their layer's whole kernel: 100 %.
    const source = 'input X[2, 3]\nweight A[3, 4]\nweight B[4, 5]\nnetwork n(X) {\n  layer a: Y1 = conv_einsum("ij,jk->ik", X, A)\n  layer b: Y2 = conv_einsum("ik,kl->il", Y1, B)\n}\n';
    const found = await lenses(source);
    expect(found.filter((l) => l.line === 3).map((l) => l.title)).toEqual(['2 layers · 128 FLOPs · same as left-to-right · 100 % params · peak 40 B', 'Show plan', 'PyTorch']);
    const uri = found.find((l) => l.arguments)!.arguments![0].uri;
    expect(found.find((l) => l.line === 3 && l.title === 'PyTorch')).toEqual({ line: 3, title: 'PyTorch', command: 'cein.torch', arguments: [{ uri, network: 'n' }] });
    expect(found.find((l) => l.line === 4 && l.title === 'Run')?.arguments?.[0]).toEqual(expect.objectContaining({ network: 'n', layer: 'a' }));
    expect(found.find((l) => l.line === 4 && l.title === 'PyTorch')).toEqual({ line: 4, title: 'PyTorch', command: 'cein.torch', arguments: [{ uri, network: 'n', layer: 'a' }] });
  });

  test('sizes of 2^31 and more: exact figures, and ≈ with the note beyond 2^53', async () => {
    // 2^31 * 2 * 2 = 2^33 MACs = 2^34 FLOPs = 17.18G; the output 2^32 elements = 16.00 GiB.
    // W is the whole kernel, in every case below: 100 % params.
    const small = await lenses('input X[2147483648, 2]\nweight W[2, 2]\nlayer l: Y = conv_einsum("ab,bc->ac", X, W)\n');
    expect(small[0]!.title).toBe('17.18G FLOPs · same as left-to-right · 100 % params · peak 16.00 GiB');
    // 2^51 * 4 * 1 = 2^53 MACs = 2^54 FLOPs = 18.01P, beyond exact range; the output 2^51
    // elements = 8.00 PiB, exact.
    const large = await lenses('input X[2251799813685248, 4]\nweight W[4, 1]\nlayer l: Y = conv_einsum("ab,bc->ac", X, W)\n');
    expect(large[0]!.title).toBe('≈18.01P FLOPs (beyond exact range) · ≈ same as left-to-right · 100 % params · peak 8.00 PiB');
  });

  test('a network whose layers are exact but whose total is not', async () => {
    // Each layer: 2^49 * 2 * 2 = 2^51 MACs, 2^52 FLOPs, exact. Total: 2^53 FLOPs = 9.007P,
    // flagged. Peak: one layer's output, 2^50 elements = 4.00 PiB.
    const source = 'input X[562949953421312, 2]\nweight A[2, 2]\nweight B[2, 2]\nnetwork n(X) {\n  layer a: Y1 = conv_einsum("ij,jk->ik", X, A)\n  layer b: Y2 = conv_einsum("ik,kl->il", Y1, B)\n}\n';
    const found = await lenses(source);
    expect(found.filter((l) => l.line === 3)[0]!.title).toBe('2 layers · ≈9.007P FLOPs (beyond exact range) · same as left-to-right · 100 % params · peak 4.00 PiB');
    expect(found.filter((l) => l.line === 4)[0]!.title).toBe('4.504P FLOPs · same as left-to-right · 100 % params · peak 4.00 PiB');
  });

  test('a layer with problems gets a lens that says so, without actions', async () => {
    const found = await lenses('input X[2, 3]\nlayer l: Y = conv_einsum("ij->ix", X)\n');
    expect(found).toEqual([{ line: 1, title: 'fix the problems to see the cost', command: '', arguments: undefined }]);
  });
});

async function hints(text: string) {
  const document = await parseDocument(text);
  const end = document.textDocument.positionAt(text.length);
  const hints = (await cein.lsp.InlayHintProvider!.getInlayHints(document, { textDocument: { uri: document.uri.toString() }, range: { start: { line: 0, character: 0 }, end } })) ?? [];
  return hints.map((h) => ({ offset: document.textDocument.offsetAt(h.position), label: h.label }));
}

describe('inlay hints', () => {
  test('the output shape after each layer call, and sizes written as arithmetic', async () => {
    // h: 8 with a 3-filter, stride 2, padding 1: floor((8 + 2 - 3) / 2) + 1 = 4.
    const text = 'let S = 6\nlet R = S / 2\ninput X[2, S, 8]\nweight K[3]\nweight W[5, 6]\nlayer a: Y = conv_einsum("bsh,h->bsh|h", X, K) { h: stride 2, padding 1 }\nlayer b: Z = conv_einsum("bsh,ts->bth", Y, W)\ninput Q[R]\nlayer c: P = conv_einsum("i->i", Q)\n';
    expect(await hints(text)).toEqual([
      { offset: text.indexOf('S / 2') + 5, label: '= 3' },
      { offset: text.indexOf('8]') + 2, label: '= 2x6x8' },
      { offset: text.indexOf('K) {') + 2, label: '→ 2x6x4' },
      { offset: text.indexOf('Y, W)') + 5, label: '→ 2x5x4' },
      { offset: text.indexOf('[R]') + 3, label: '= 3' },
      { offset: text.indexOf('Q)') + 2, label: '→ 3' },
    ]);
  });

  test('no shape hint for a layer with problems', async () => {
    expect(await hints('input X[2, 3]\nlayer l: Y = conv_einsum("ij->ix", X)\n')).toEqual([]);
  });
});

async function tokens(text: string) {
  const document = await parseDocument(text);
  const provider = cein.lsp.SemanticTokenProvider!;
  const result = await provider.semanticHighlight(document, { textDocument: { uri: document.uri.toString() } });
  return SemanticTokensDecoder.decode(result, provider.tokenTypes, document).map((t) => ({ offset: t.offset, text: t.text, type: t.tokenType }));
}

describe('semantic tokens', () => {
  // b: batch (X, G and the output), s: contracted, t: free, h: conv, r: reduced (G only).
  const TEXT = 'input X[2, 3, 8]\nweight G[2, 3, 4, 3, 5]\nlayer l: Y = conv_einsum("bsh,bsthr->bth|h", X, G) { h: padding 1 }\n';

  test('indices in the string get a token type per kind', async () => {
    const string = TEXT.indexOf('"bsh');
    const inString = (await tokens(TEXT)).filter((t) => t.offset > string && t.offset < string + 20);
    const typeOf = (letter: string) => [...new Set(inString.filter((t) => t.text === letter).map((t) => t.type))];
    expect(typeOf('h')).toEqual(['function']);
    expect(typeOf('b')).toEqual(['typeParameter']);
    expect(typeOf('s')).toEqual(['enumMember']);
    expect(typeOf('t')).toEqual(['variable']);
    expect(typeOf('r')).toEqual(['parameter']);
    expect(inString.filter((t) => t.text === 'h').length).toBe(4);
  });

  test('the index in the options block is typed like in the string; names and numbers are typed', async () => {
    const all = await tokens(TEXT);
    expect(all.find((t) => t.offset === TEXT.indexOf('h: padding'))?.type).toBe('function');
    expect(all.find((t) => t.offset === TEXT.indexOf('X['))?.type).toBe('variable');
    expect(all.find((t) => t.offset === TEXT.indexOf('l:'))?.type).toBe('function');
    expect(all.find((t) => t.offset === TEXT.indexOf('2,'))?.type).toBe('number');
  });
});
