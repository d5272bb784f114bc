// The budget syntax the CLI flags and the editor's input box share.
import { describe, expect, test } from 'vitest';
import { BudgetError, checkBudget, parseBudgetText, parseBudgetValue } from '../../server/src/engine/budget-text.js';

describe('one bound per flag', () => {
  test.each([
    ['params', '200', 200],
    ['params', '200k', 200_000],
    ['params', '1.5M', 1_500_000],
    ['flops', '1G', 1e9],
    ['flops', '3e9', 3e9],
    ['compression', '0.1', 0.1],
    ['compression', '10%', 0.1],
    ['compression', '1', 1],
    ['peakBytes', '4096', 4096],
    ['peakBytes', '64MiB', 64 * 1024 * 1024],
    ['peakBytes', '1.5 GiB', 1.5 * 1024 ** 3],
    ['peakBytes', '2KiB', 2048],
    ['peakBytes', '1MB', 1e6],
  ] as const)('%s %s = %d', (kind, text, value) => {
    expect(parseBudgetValue(kind, `--${kind}`, text)).toBeCloseTo(value, 9);
  });

  test.each([
    ['params', '-1', '--params "-1" must be a positive number, optionally with k, M, G or T (e.g. 200k)'],
    ['params', '0', '--params "0" must be a positive number, optionally with k, M, G or T (e.g. 200k)'],
    ['params', '12x', '--params "12x" must be a positive number, optionally with k, M, G or T (e.g. 200k)'],
    ['compression', '2', '--compression "2" must be a fraction of the dense kernel above 0 and at most 1 (e.g. 0.1 or 10%)'],
    ['compression', '150%', '--compression "150%" must be a fraction of the dense kernel above 0 and at most 1 (e.g. 0.1 or 10%)'],
    ['compression', '0', '--compression "0" must be a fraction of the dense kernel above 0 and at most 1 (e.g. 0.1 or 10%)'],
    ['peakBytes', '3 parsecs', '--peak "3 parsecs" must be a positive number of bytes, optionally with KiB, MiB, GiB or TiB (e.g. 64MiB)'],
  ] as const)('%s %s is refused', (kind, text, message) => {
    expect(() => parseBudgetValue(kind, `--${kind === 'peakBytes' ? 'peak' : kind}`, text)).toThrow(new BudgetError(message));
  });
});

describe('the free-text form (the editor input box)', () => {
  test.each([
    ['10%', { compression: 0.1 }],
    ['200k params', { params: 200_000 }],
    ['1G FLOPs', { flops: 1e9 }],
    ['64 MiB', { peakBytes: 64 * 2 ** 20 }],
    ['peak 1KiB', { peakBytes: 1024 }],
    ['params <= 200k, 1G flops', { params: 200_000, flops: 1e9 }],
    ['compression 0.25 and 2M FLOPs', { compression: 0.25, flops: 2e6 }],
    ['5% and 64 MiB peak', { compression: 0.05, peakBytes: 64 * 2 ** 20 }],
  ])('"%s"', (text, budget) => {
    expect(parseBudgetText(text)).toEqual(budget);
  });

  test.each([
    ['', 'give a budget, e.g. "200k params", "10%", "1G FLOPs" or "64 MiB peak"'],
    ['200k', '"200k" does not say what it bounds: write e.g. "200k params", "10%" (compression), "1G FLOPs" or "64 MiB peak"'],
    ['10 params flops', '"10 params flops" names more than one kind of budget; separate them with commas'],
    ['1k params, 2k params', '"1k params, 2k params" gives a params budget twice'],
    ['200% ', 'compression budget "200%" must be a fraction of the dense kernel above 0 and at most 1 (e.g. 0.1 or 10%)'],
    ['-5 params', 'params budget "-5" must be a positive number, optionally with k, M, G or T (e.g. 200k)'],
  ])('"%s" is refused', (text, message) => {
    expect(() => parseBudgetText(text)).toThrow(new BudgetError(message));
  });
});

describe('a budget from the wire', () => {
  test('keeps the bounds it knows, refuses out-of-range ones and an empty one', () => {
    expect(checkBudget({ params: 10, flops: 5, other: 1 })).toEqual({ params: 10, flops: 5 });
    expect(() => checkBudget({ compression: 1.5 })).toThrow('the compression budget 1.5 is out of range');
    expect(() => checkBudget({ params: -1 })).toThrow('the params budget -1 is out of range');
    expect(() => checkBudget({})).toThrow('the budget bounds nothing');
    expect(() => checkBudget('10%')).toThrow('the budget must be an object');
  });
});
