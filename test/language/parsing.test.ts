import { describe, expect, test } from 'vitest';
import { isBinaryExpression, isCapOption, isConstantReference, isIndexOptions, isLayer, isNetwork, isObjectiveOption, isSizeConstant, isTensorDeclaration, type Layer } from '../../server/src/language/generated/ast.js';
import { parseDocument } from './cein-test-kit.js';

const FULL = `
// CP-factorised 3x3 conv
/* block
   comment */
let B = 128
let S = 64
let R = S / 4
input X[B, S, 32, 32]
weight U[R, 64]
weight V[R, S]
const Kh[R, 3]
const Kw[R, 3]
layer cp: Y = conv_einsum("bshw,rt,rs,rh,rw->bthw|hw", X, U, V, Kh, Kw) {
  h: stride 2, padding 1, dilation 1, mode circular
  (w): padding 0:1
  objective memory
  cap 4000000
}
network block(X) {
  weight W[64, 64, 3, 3]
  layer a: Y1 = conv_einsum("bshw,tshw->bthw|hw", X, W)
  layer b: Y2 = conv_einsum("bshw,tshw->bthw|hw", Y1, W) { h: padding same  w: padding valid }
}
`;

describe('parsing', () => {
  test('a file with constants, tensors, a layer with options and a network parses without errors', async () => {
    const document = await parseDocument(FULL);
    expect(document.parseResult.lexerErrors).toEqual([]);
    expect(document.parseResult.parserErrors).toEqual([]);
    const statements = document.parseResult.value.statements;
    expect(statements.map((s) => s.$type)).toEqual([
      'SizeConstant', 'SizeConstant', 'SizeConstant', 'TensorDeclaration', 'TensorDeclaration', 'TensorDeclaration', 'TensorDeclaration', 'TensorDeclaration', 'Layer', 'Network',
    ]);
  });

  test('size arithmetic, tensor roles and dims', async () => {
    const [, , r, x, , , kh] = (await parseDocument(FULL)).parseResult.value.statements;
    expect(isSizeConstant(r) && isBinaryExpression(r.value) && r.value.operator).toBe('/');
    expect(isTensorDeclaration(x) && [x.role, x.name, x.dims.length]).toEqual(['input', 'X', 4]);
    expect(isTensorDeclaration(kh) && kh.role).toBe('const');
    expect(isTensorDeclaration(x) && isConstantReference(x.dims[0]) && x.dims[0].constant.ref?.name).toBe('B');
  });

  test('a layer keeps the expression string verbatim, its operands and its options', async () => {
    const layer = (await parseDocument(FULL)).parseResult.value.statements.find(isLayer)!;
    expect(layer.name).toBe('cp');
    expect(layer.output.name).toBe('Y');
    expect(layer.expression).toBe('bshw,rt,rs,rh,rw->bthw|hw');
    expect(layer.operands.map((o) => o.ref?.name)).toEqual(['X', 'U', 'V', 'Kh', 'Kw']);
    const [h, w, objective, cap] = layer.options!.entries;
    expect(isIndexOptions(h) && h.settings.map((s) => s.key)).toEqual(['stride', 'padding', 'dilation', 'mode']);
    expect(isIndexOptions(h) && h.settings[3]!.mode).toBe('circular');
    expect(isIndexOptions(w) && [w.index, w.settings[0]!.padding?.hi !== undefined]).toEqual(['w', true]);
    expect(isObjectiveOption(objective) && objective.objective).toBe('memory');
    expect(isCapOption(cap)).toBe(true);
  });

  test('a network holds declarations and layers; a layer output is an operand of the next layer', async () => {
    const network = (await parseDocument(FULL)).parseResult.value.statements.find(isNetwork)!;
    expect(network.name).toBe('block');
    expect(network.inputs.map((i) => i.ref?.name)).toEqual(['X']);
    const [, a, b] = network.statements as [unknown, Layer, Layer];
    expect(b.operands[0]!.ref).toBe(a.output);
    const named = b.options!.entries.filter(isIndexOptions).map((e) => e.settings[0]!.padding?.named);
    expect(named).toEqual(['same', 'valid']);
  });

  test('escapes inside the expression string are unescaped in the AST', async () => {
    const layer = (await parseDocument(`input X[2, 2]\nlayer l: Y = conv_einsum("ij\\u->i", X)`)).parseResult.value.statements.find(isLayer)!;
    expect(layer.expression).toBe('iju->i');
  });

  test('a syntax error is reported and the rest of the file still parses', async () => {
    const document = await parseDocument('let A = \ninput X[2, 3]\nlayer l: Y = conv_einsum("ij->i", X)\n');
    expect(document.parseResult.parserErrors.length).toBeGreaterThan(0);
    expect(document.parseResult.value.statements.some(isLayer)).toBe(true);
  });

  test('an unterminated string is a lexer error', async () => {
    const document = await parseDocument('input X[2, 3]\nlayer l: Y = conv_einsum("ij->i, X)\n');
    expect(document.parseResult.lexerErrors.length).toBeGreaterThan(0);
  });
});
