/** The direct evaluator's cost, its evaluation at chosen positions, and the bounded check built on them. */
import { describe, expect, it } from 'vitest';
import { analyzeOrThrow } from '../../server/src/engine/shapes.js';
import { directCheckScope, checkAgainstDirect } from '../../server/src/runtime/cpu/direct-check.js';
import { directCost, evaluateDirect, evaluateDirectAt } from '../../server/src/runtime/cpu/direct.js';
import { randomTensor, seeded } from '../helpers/random.js';

// B=2, S=3, T=4, H=6 (same padding: output 6), W=5 (valid: output 3), filter 3x3.
const layer = () => analyzeOrThrow('bshw,tshw->bthw|hw', [[2, 3, 6, 5], [4, 3, 3, 3]], { h: { padding: { kind: 'same' } }, w: { padding: { kind: 'valid' } } });

describe('directCost', () => {
  it('counts one product per combination of b, t, s, output h, filter h, output w, filter w', () => {
    const cost = directCost(layer());
    expect(cost.outputElements).toBe(2 * 4 * 6 * 3);
    expect(cost.productsPerElement).toBe(3 * 3 * 3);
    expect(cost.products).toBe(2 * 4 * 6 * 3 * 3 * 3 * 3);
  });

  it('sums a conv index absent from the output over its output positions too', () => {
    // h: input 6, filter 3, valid padding: 4 output positions, all summed.
    const cost = directCost(analyzeOrThrow('h,h->|h', [[6], [3]], { h: { padding: { kind: 'valid' } } }));
    expect(cost).toEqual({ outputElements: 1, productsPerElement: 4 * 3, products: 4 * 3 });
  });
});

describe('evaluateDirectAt', () => {
  it('gives the values of the full evaluation at the chosen offsets', () => {
    const random = seeded(5);
    const analysis = layer();
    const inputs = analysis.shapes.map((shape) => randomTensor([...shape], random));
    const full = evaluateDirect(analysis, inputs);
    const offsets = [0, 7, 50, full.data.length - 1];
    expect(Array.from(evaluateDirectAt(analysis, inputs, offsets))).toEqual(offsets.map((o) => full.data[o]));
  });
});

describe('the bounded direct check', () => {
  it('is full within the limit, sampled past it, refused when one element does not fit', () => {
    const analysis = layer();
    const all = 2 * 4 * 6 * 3 * 27;
    expect(directCheckScope(analysis, all).kind).toBe('full');
    expect(directCheckScope(analysis, all - 1)).toMatchObject({ kind: 'sampled', positions: Math.floor(144 / 2) });
    expect(directCheckScope(analysis, 27 * 10)).toMatchObject({ kind: 'sampled', positions: 10 });
    expect(directCheckScope(analysis, 26).kind).toBe('refused');
  });

  it('finds a wrong element when it samples it, and reports how many it compared', () => {
    const random = seeded(9);
    const analysis = layer();
    const inputs = analysis.shapes.map((shape) => randomTensor([...shape], random));
    const output = evaluateDirect(analysis, inputs);
    const scope = directCheckScope(analysis, 27 * 72);
    const good = checkAgainstDirect(analysis, inputs, output, scope, 1);
    expect(good).toMatchObject({ positions: 72, sampled: true, outputElements: 144, maxAbsError: 0 });
    // Corrupt every element: any sample sees it.
    const wrong = { shape: output.shape, data: output.data.map((v) => v + 1) };
    expect(checkAgainstDirect(analysis, inputs, wrong, scope, 1).maxAbsError).toBeCloseTo(1, 12);
  });
});
