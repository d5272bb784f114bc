/** Error of a result against a reference: max abs difference, and that relative to max |reference|. */
export interface Comparison {
  readonly maxAbsError: number;
  readonly maxAbsReference: number;
  /** maxAbsError / maxAbsReference (0 when both are 0). */
  readonly relativeError: number;
}

export function compare(result: ArrayLike<number>, reference: ArrayLike<number>): Comparison {
  if (result.length !== reference.length) throw new Error(`cannot compare ${result.length} values with ${reference.length}`);
  let maxAbsError = 0;
  let maxAbsReference = 0;
  for (let i = 0; i < result.length; i++) {
    maxAbsError = Math.max(maxAbsError, Math.abs(result[i]! - reference[i]!));
    maxAbsReference = Math.max(maxAbsReference, Math.abs(reference[i]!));
  }
  const relativeError = maxAbsReference === 0 ? (maxAbsError === 0 ? 0 : Infinity) : maxAbsError / maxAbsReference;
  return { maxAbsError, maxAbsReference, relativeError };
}
