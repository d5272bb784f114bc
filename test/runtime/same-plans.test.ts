/**
 * Benchmarks that cannot mislead: plans with the same steps are recognised (and so measured once),
 * said to be the same in plain words, the order of plans in a round is a seeded shuffle that
 * changes from round to round, and a timing's spread is its quartiles.
 */
import { describe, expect, it } from 'vitest';
import { baselinePlans } from '../../server/src/runtime/jobs/baselines.js';
import { shuffled, timing } from '../../server/src/runtime/jobs/bench-layer.js';
import { sameAsEarlier, samePlanNote } from '../../server/src/runtime/jobs/same-plans.js';
import { seededRandom } from '../../server/src/runtime/random.js';

describe('plans that are the same plan', () => {
  it('a single-step layer: every order is the first one', () => {
    const plans = baselinePlans('bshw,tshw->bthw|hw', [[2, 3, 8, 8], [4, 3, 3, 3]]);
    expect(plans.length).toBeGreaterThan(1);
    expect(sameAsEarlier(plans)).toEqual([null, ...plans.slice(1).map(() => 'optimal')]);
  });

  it('the CP layer: the three orders differ', () => {
    const plans = baselinePlans('bshw,rt,rs,rh,rw->bthw|hw', [[2, 8, 8, 8], [4, 8], [4, 8], [4, 3], [4, 3]]);
    expect(plans.map((p) => p.name)).toEqual(['optimal', 'left-to-right', 'rebuilt-kernel']);
    expect(sameAsEarlier(plans)).toEqual([null, null, null]);
  });

  it('the same layer at other sizes is not the same plan', () => {
    const [a] = baselinePlans('ik,kj->ij', [[4, 5], [5, 6]], {}, ['optimal']);
    const [b] = baselinePlans('ik,kj->ij', [[4, 5], [5, 7]], {}, ['optimal']);
    expect(sameAsEarlier([a!, { ...b!, name: 'left-to-right' }])).toEqual([null, null]);
  });

  it('says which orders are the same plan', () => {
    expect(samePlanNote([{ name: 'optimal' }, { name: 'left-to-right', sameAs: 'optimal' }, { name: 'rebuilt-kernel', sameAs: 'optimal' }])).toBe(
      'all three orders are the same plan, measured once',
    );
    expect(samePlanNote([{ name: 'optimal' }, { name: 'rebuilt-kernel', sameAs: 'optimal' }])).toBe('both orders are the same plan, measured once');
    expect(samePlanNote([{ name: 'optimal' }, { name: 'left-to-right' }, { name: 'rebuilt-kernel', sameAs: 'optimal' }])).toBe(
      'rebuilt-kernel is the same plan as optimal, measured once',
    );
    expect(samePlanNote([{ name: 'optimal' }, { name: 'left-to-right' }])).toBeNull();
  });
});

describe('the order of plans in timed rounds', () => {
  it('is a permutation, replayed from the seed, and changes from round to round', () => {
    const random = seededRandom(7);
    const rounds = Array.from({ length: 30 }, () => shuffled(3, random));
    for (const order of rounds) expect([...order].sort()).toEqual([0, 1, 2]);
    const again = seededRandom(7);
    expect(Array.from({ length: 30 }, () => shuffled(3, again))).toEqual(rounds);
    // Every plan runs first in some round, and no order repeats in every round.
    expect(new Set(rounds.map((o) => o[0])).size).toBe(3);
    expect(new Set(rounds.map((o) => o.join())).size).toBeGreaterThan(3);
  });
});

describe('timing', () => {
  it('gives median, quartiles and extremes (hand-computed: linear interpolation between order statistics)', () => {
    // sorted 1 2 3 4 10: q1 at position 1 -> 2, median at 2 -> 3, q3 at 3 -> 4
    expect(timing([10, 3, 1, 4, 2])).toEqual({ medianMs: 3, minMs: 1, maxMs: 10, q1Ms: 2, q3Ms: 4, runs: 5 });
    // sorted 1 2 3 5: q1 at position 0.75 -> 1.75, median at 1.5 -> 2.5, q3 at 2.25 -> 3.5
    expect(timing([5, 1, 3, 2])).toEqual({ medianMs: 2.5, minMs: 1, maxMs: 5, q1Ms: 1.75, q3Ms: 3.5, runs: 4 });
    expect(timing([7])).toEqual({ medianMs: 7, minMs: 7, maxMs: 7, q1Ms: 7, q3Ms: 7, runs: 1 });
  });
});
