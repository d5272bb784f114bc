/** Operands named as .npy files, read into tensors before a job runs (Node only: the worker process and the CPU thread). */
import { readNpyFile } from '../npy.js';
import type { LayerInputs } from './types.js';

export function readInputFiles(inputs: LayerInputs): LayerInputs {
  if (inputs.kind !== 'files') return inputs;
  return {
    kind: 'tensors',
    tensors: inputs.files.map((file) => {
      const array = readNpyFile(file);
      return { shape: array.shape, data: array.data };
    }),
  };
}
