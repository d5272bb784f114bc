/** A job's operands as tensors: read from .npy files, generated from a seed, or given. */
import type { Tensor } from '../cpu/tensor.js';
import { readNpyFile } from '../npy.js';
import { randomData, seededRandom } from '../random.js';
import type { LayerInputs } from './types.js';

export function loadInputs(inputs: LayerInputs): Tensor[] {
  switch (inputs.kind) {
    case 'tensors':
      return [...inputs.tensors];
    case 'files':
      return inputs.files.map((file) => {
        const array = readNpyFile(file);
        return { shape: array.shape, data: array.data };
      });
    case 'random': {
      // One generator across all operands, in order: the same inputs as `cein run --seed` on the CPU.
      const random = seededRandom(inputs.seed);
      return inputs.shapes.map((shape) => ({ shape: [...shape], data: randomData(shape, random) }));
    }
  }
}
