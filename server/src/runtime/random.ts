/** Seeded uniform [-1, 1) inputs, so runs and benchmarks are reproducible. */
export { seededRandom } from '../engine/random.js';

export function randomData(shape: readonly number[], random: () => number): Float64Array {
  const data = new Float64Array(shape.reduce((p, s) => p * s, 1));
  for (let i = 0; i < data.length; i++) data[i] = 2 * random() - 1;
  return data;
}
