/** Folding a workgroup count into a dispatch grid of up to three dimensions. */

export type Grid = readonly [number, number, number];

/** The smallest-ish grid with x*y*z >= workgroups and each dimension within `maxPerDimension`. */
export function dispatchGrid(workgroups: number, maxPerDimension: number): Grid {
  if (workgroups <= maxPerDimension) return [Math.max(1, workgroups), 1, 1];
  const x = maxPerDimension;
  const rows = Math.ceil(workgroups / x);
  if (rows <= maxPerDimension) return [x, rows, 1];
  const y = maxPerDimension;
  const z = Math.ceil(rows / y);
  if (z > maxPerDimension) throw new RangeError(`${workgroups} workgroups exceed a ${maxPerDimension}^3 dispatch grid`);
  return [x, y, z];
}
