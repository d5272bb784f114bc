/** Seeded uniform [-1, 1) inputs, so runs and benchmarks are reproducible. */
import { elementCount } from '../engine/summary.js';

export { seededRandom } from '../engine/random.js';

export function randomData(shape: readonly number[], random: () => number): Float64Array {
  const data = new Float64Array(elementCount(shape));
  for (let i = 0; i < data.length; i++) data[i] = 2 * random() - 1;
  return data;
}
