import { describe, expect, test } from 'vitest';
import { applyEdits, cein, parseDocument } from './cein-test-kit.js';

async function format(text: string): Promise<string> {
  const document = await parseDocument(text);
  const edits = await cein.lsp.Formatter!.formatDocument(document, { textDocument: { uri: document.uri.toString() }, options: { tabSize: 2, insertSpaces: true } });
  return applyEdits(document, edits);
}

const FORMATTED = `// a network
let S = 64
let R = S/4 + 1

input X[2, S, 8, 8]
weight U[R, S]
network n(X) {
  layer a: Y = conv_einsum("bshw,rs->brhw", X, U) {
    objective memory
    cap 100000
  }

  weight V[R, R]
  layer b: Z = conv_einsum("brhw,qr->bqhw", Y, V)
}
`;

describe('formatting', () => {
  test('messy spacing and indentation are normalised; blank lines stay', async () => {
    const messy = `// a network
let   S=64
let R = S/4+1

input X [ 2,S ,8,8 ]
weight U[R,S]
network n ( X ){
layer a :Y=conv_einsum ( "bshw,rs->brhw" ,X,U ){ objective memory
      cap   100000 }

      weight V[R, R]
 layer b: Z = conv_einsum("brhw,qr->bqhw", Y, V)
}
`;
    expect(await format(messy)).toBe(FORMATTED.replace('S/4 + 1', 'S / 4 + 1'));
  });

  test('formatted text stays as it is', async () => {
    const text = FORMATTED.replace('S/4 + 1', 'S / 4 + 1');
    expect(await format(text)).toBe(text);
  });

  test('the expression string is never touched', async () => {
    const text = 'input X[2, 3]\nlayer l: Y = conv_einsum(" i j -> i ", X)\n';
    expect(await format(text)).toBe(text);
  });
});
