/**
 * The exact range of figures (docs/semantics.md section 3). Sizes and figures are float64
 * numbers, which hold every integer below 2^53 exactly and round beyond it.
 *
 * Every size is an integer of at most 2^53 - 1 (larger sizes are refused), and every figure is a
 * product or a sum of sizes and figures, all of them at least 0. Rounding is monotone, so such a
 * product or sum comes out below 2^53 exactly when its true value is below 2^53, and then every
 * partial product or sum on the way was exact too. One comparison of the final figure therefore
 * tells whether it is exact; no figure needs to be tracked while it is formed. (The one
 * subtraction, freeing memory while counting the peak, can only lose exactness after the live
 * count has passed 2^53, when the peak is flagged already.)
 */
import type { Exactness, FigureName } from './plan.js';

/** The first integer that float64 arithmetic can no longer count exactly. */
export const EXACT_LIMIT = 2 ** 53;

/** What a figure at 2^53 or more is called wherever it is shown. */
export const BEYOND_EXACT = 'beyond exact range';

/** Whether a figure made of sizes by products and sums is exact: below 2^53. */
export function isExact(figure: number): boolean {
  return figure < EXACT_LIMIT;
}

/** Whether a size (an index extent, a shape entry, a stride) can be counted with: an integer below 2^53. */
export function isCountableSize(size: number): boolean {
  return Number.isSafeInteger(size);
}

/** Why a size of 2^53 or more is refused, appended to what the size is. */
export const SIZE_LIMIT_REASON = 'above 2^53 - 1 = 9007199254740991, the largest size cein can count exactly';

/**
 * The figures among `figures` that are beyond exact range. A step's MACs never exceed the plan's
 * and its output never exceeds the peak, so the headline figures decide for the steps too.
 */
export function exactness(figures: Partial<Readonly<Record<FigureName, number | null>>>): Exactness {
  const inexactFigures = (Object.keys(figures) as FigureName[]).filter((name) => {
    const value = figures[name];
    return value !== null && value !== undefined && !isExact(value);
  });
  return { exact: inexactFigures.length === 0, inexactFigures };
}
