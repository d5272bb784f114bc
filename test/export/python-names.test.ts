/** Python identifiers from cein names: valid, not keywords, distinct within a scope. */
import { describe, expect, it } from 'vitest';
import { IdentifierScope, pythonIdentifier } from '../../server/src/engine/export/python-names.js';

describe('pythonIdentifier', () => {
  it('keeps a valid name, and escapes keywords, leading digits and other characters', () => {
    expect(pythonIdentifier('cp_layer2')).toBe('cp_layer2');
    expect(pythonIdentifier('class')).toBe('class_');
    expect(pythonIdentifier('None')).toBe('None_');
    expect(pythonIdentifier('lambda')).toBe('lambda_');
    expect(pythonIdentifier('2x')).toBe('_2x');
    expect(pythonIdentifier('a-b.c')).toBe('a_b_c');
    expect(pythonIdentifier('')).toBe('_unnamed');
  });
});

describe('IdentifierScope', () => {
  it('hands out distinct names, never a reserved one', () => {
    const scope = new IdentifierScope(['forward', 'self']);
    expect(['a', 'a', 'a', 'forward', 'self', 'class', 'class_'].map((name) => scope.claim(name))).toEqual(['a', 'a_2', 'a_3', 'forward_2', 'self_2', 'class_', 'class__2']);
  });
});
