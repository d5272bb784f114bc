/** A job's operands as tensors: generated from a seed, or given (files are read by input-files.ts, where there is a file system). */
import type { Tensor } from '../cpu/tensor.js';
import { randomData, seededRandom } from '../random.js';
import type { LayerInputs } from './types.js';

export function loadInputs(inputs: LayerInputs): Tensor[] {
  switch (inputs.kind) {
    case 'tensors':
      return [...inputs.tensors];
    case 'files':
      throw new Error(`operand files (${inputs.files.join(', ')}) can only be read where there is a file system; give tensors or a seed`);
    case 'random': {
      // One generator across all operands, in order: the same inputs as `cein run --seed` on the CPU.
      const random = seededRandom(inputs.seed);
      return inputs.shapes.map((shape) => ({ shape: [...shape], data: randomData(shape, random) }));
    }
  }
}
