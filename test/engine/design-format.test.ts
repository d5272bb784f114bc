/**
 * How every display writes the design numbers (docs/semantics.md section 3): the engine's one
 * formatter, on figures written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { formatCompression, formatParams, formatPercent, type DesignFigures } from '../../server/src/engine/summary.js';

const figures = (params: number, denseParams: number | null, extra: Partial<DesignFigures> = {}): DesignFigures => ({
  params,
  constElements: 0,
  denseParams,
  compression: denseParams === null ? null : params / denseParams,
  dataOperands: [0],
  exact: true,
  inexactFigures: [],
  ...extra,
});

describe('formatPercent', () => {
  it('two significant digits below 10 %, whole percents from 10 %', () => {
    expect(formatPercent(0.0046)).toBe('0.46 %');
    expect(formatPercent(0.034)).toBe('3.4 %');
    expect(formatPercent(0.03)).toBe('3 %');
    expect(formatPercent(0.0996)).toBe('10 %');
    expect(formatPercent(0.25)).toBe('25 %');
    expect(formatPercent(1)).toBe('100 %');
    expect(formatPercent(1.25)).toBe('125 %');
    expect(formatPercent(0)).toBe('0 %');
  });
});

describe('formatParams', () => {
  it("the parameters, their share and the dense kernel's size", () => {
    // 12,300 / 368,640 = 3.34 %.
    expect(formatParams(figures(12_300, 368_640))).toBe("12.30k = 3.3 % of the dense kernel's 368.6k");
  });

  it('a sum of layers: the dense kernels, plural', () => {
    expect(formatParams(figures(6_240, 40_960, { dataOperands: undefined }))).toBe("6,240 = 15 % of the dense kernels' 40.96k");
  });

  it('const elements after them, when there are any', () => {
    expect(formatParams(figures(16, 144, { constElements: 12 }))).toBe("16 = 11 % of the dense kernel's 144, const 12");
  });

  it('without a dense kernel, why there is none', () => {
    expect(formatParams(figures(12, null, { dataOperands: [] }))).toBe('12 (no dense kernel: no data operand)');
    expect(formatParams(figures(0, null, { dataOperands: [0, 1] }))).toBe('0 (no dense kernel: no factor)');
    expect(formatParams(figures(12, null, { dataOperands: undefined }))).toBe('12 (no dense kernel: a layer with factors has none)');
  });

  it('figures the engine flagged beyond exact range carry ≈, and so does the share they make', () => {
    // 2^53 parameters of a 2^55 kernel: 25 %, both flagged.
    const big = figures(2 ** 53, 2 ** 55, { exact: false, inexactFigures: ['params', 'denseParams'] });
    expect(formatParams(big)).toBe("≈9.007P = ≈25 % of the dense kernel's ≈36.03P");
    expect(formatCompression(big)).toBe('≈25 % params');
    const flaggedConst = figures(4, 4, { constElements: 2 ** 53, exact: false, inexactFigures: ['constElements'] });
    expect(formatParams(flaggedConst)).toBe("4 = 100 % of the dense kernel's 4, const ≈9.007P");
  });
});

describe('formatCompression', () => {
  it('the share of the dense kernel, or nothing without one', () => {
    expect(formatCompression(figures(2_144, 36_864))).toBe('5.8 % params');
    expect(formatCompression(figures(36_864, 36_864))).toBe('100 % params');
    expect(formatCompression(figures(12, null))).toBeNull();
  });
});
