/** Seeded random numbers and tensors for tests, so every failure can be replayed. */
import { randomData } from '../../server/src/runtime/random.js';
import type { Tensor } from '../../server/src/runtime/cpu/tensor.js';

export { seededRandom as seeded } from '../../server/src/engine/random.js';

/** A tensor of uniform values in [-1, 1). */
export function randomTensor(shape: readonly number[], random: () => number): Tensor {
  return { shape: [...shape], data: randomData(shape, random) };
}

/** Uniform integer in [lo, hi], both included. */
export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}
