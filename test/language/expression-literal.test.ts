/**
 * Positions in a layer's expression string and in the document: the opening quote, escapes and
 * the closing quote lie between them. Offsets below are counted by hand from the document text.
 */
import { describe, expect, test } from 'vitest';
import { ExpressionLiteral } from '../../server/src/language/expression-literal.js';
import { isLayer } from '../../server/src/language/generated/ast.js';
import { parseDocument } from './cein-test-kit.js';

// In the document the literal is 9 characters, "i\tj->i"; its value is 6: i, a tab, j, -, >, i.
const TEXT = 'input X[2, 3]\nlayer l: Y = conv_einsum("i\\tj->i", X)\n';
const QUOTE = TEXT.indexOf('"');

async function literal(): Promise<ExpressionLiteral> {
  const layer = (await parseDocument(TEXT)).parseResult.value.statements.find(isLayer)!;
  const found = ExpressionLiteral.of(layer);
  expect(found).toBeDefined();
  return found!;
}

describe('ExpressionLiteral', () => {
  test('maps value positions to document offsets past the opening quote and the escape', async () => {
    const l = await literal();
    expect(l.value).toBe('i\tj->i');
    // i at QUOTE+1, the escape \t at QUOTE+2..3, j at QUOTE+4, -> at +5..6, i at +7, the closing quote at +8.
    expect([0, 1, 2, 3, 4, 5, 6].map((k) => l.toDocument(k) - QUOTE)).toEqual([1, 2, 4, 5, 6, 7, 8]);
    expect(l.rangeToDocument({ start: 5, end: 6 })).toEqual({ start: QUOTE + 7, end: QUOTE + 8 });
    expect(l.rangeToDocument({ start: 2, end: 2 })).toEqual({ start: QUOTE + 4, end: QUOTE + 4 });
  });

  test('reads a document offset back as the value character under it; the quotes are outside the value', async () => {
    const l = await literal();
    const at = (shift: number) => l.fromDocument(QUOTE + shift);
    expect(at(0)).toBeUndefined();
    expect([1, 2, 3, 4, 7].map(at)).toEqual([0, 1, 1, 2, 5]);
    expect(at(8)).toBeUndefined();
    expect(at(9)).toBeUndefined();
  });
});
