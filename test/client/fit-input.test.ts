/** The "Fit NAME to a budget..." input box: what it accepts and what it says about the rest. */
import { describe, expect, test } from 'vitest';
import { readBudgetInput } from '../../client/src/fit-input.js';

describe('readBudgetInput', () => {
  test('reads the examples the prompt gives', () => {
    expect(readBudgetInput('200k params')).toEqual({ budget: { params: 200_000 } });
    expect(readBudgetInput('10%')).toEqual({ budget: { compression: 0.1 } });
    expect(readBudgetInput('1G FLOPs, 64 MiB peak')).toEqual({ budget: { flops: 1e9, peakBytes: 64 * 2 ** 20 } });
  });

  test('gives the problem, not a throw, for text it cannot read', () => {
    expect(readBudgetInput('')).toEqual({ problem: 'give a budget, e.g. "200k params", "10%", "1G FLOPs" or "64 MiB peak"' });
    expect(readBudgetInput('2 compression')).toEqual({ problem: 'compression budget "2" must be a fraction of the dense kernel above 0 and at most 1 (e.g. 0.1 or 10%)' });
    expect(readBudgetInput('lots')).toEqual({ problem: '"lots" does not say what it bounds: write e.g. "200k params", "10%" (compression), "1G FLOPs" or "64 MiB peak"' });
  });
});
