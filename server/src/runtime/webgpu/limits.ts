/**
 * Refusing a plan the device cannot hold, before anything is allocated: every tensor the run
 * creates (operands, padded copies, intermediates, the output) must fit one storage binding,
 * and every dispatch must fit the device's grid.
 */
import type { Plan } from '../../engine/plan.js';
import { elementCount, formatBytes, formatShape } from '../../engine/summary.js';
import { formatTerm } from '../../engine/notation.js';
import { tensorBytes } from './buffers.js';

export class GpuLimitError extends Error {
  override name = 'GpuLimitError';
}

/** The limits the executor depends on (a subset of GPUSupportedLimits, so tests can pass smaller ones). */
export interface ExecutorLimits {
  readonly maxBufferSize: number;
  readonly maxStorageBufferBindingSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
}

/** Kernels index with signed 32-bit integers. */
const MAX_ELEMENTS = 2 ** 31 - 1;

export interface PlannedTensor {
  /** What the tensor is, for messages: "operand 1 (bshw)". */
  readonly what: string;
  readonly shape: readonly number[];
}

/** Every tensor a run of the plan creates on the device, in the order they appear. */
export function plannedTensors(plan: Plan, paddedShapes: readonly (readonly (readonly number[] | null)[])[]): PlannedTensor[] {
  const n = plan.shapes.length;
  const termOf = (k: number) => plan.steps.flatMap((step) => step.inputs.map((id, input) => (id === k ? step.inputIndices[input]! : null))).find((term) => term !== null);
  const tensors: PlannedTensor[] = plan.shapes.map((shape, k) => {
    const term = termOf(k);
    return { what: term ? `operand ${k + 1} (${formatIndexList(term)})` : `operand ${k + 1}`, shape };
  });
  plan.steps.forEach((step, i) => {
    step.inputs.forEach((id, input) => {
      const padded = paddedShapes[i]?.[input];
      if (padded) tensors.push({ what: `${describeTensor(id, n)} (${formatIndexList(step.inputIndices[input]!)}) padded for step ${i + 1}`, shape: padded });
    });
    const what = i === plan.steps.length - 1 ? 'the output' : `the intermediate of step ${i + 1}`;
    tensors.push({ what: `${what} (${formatIndexList(step.indices)})`, shape: step.outputShape });
  });
  return tensors;
}

export function checkTensorsFit(tensors: readonly PlannedTensor[], limits: ExecutorLimits, adapterName: string): void {
  const bindingLimit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const limitName = limits.maxStorageBufferBindingSize <= limits.maxBufferSize ? 'maxStorageBufferBindingSize' : 'maxBufferSize';
  for (const tensor of tensors) {
    const elements = elementCount(tensor.shape);
    const bytes = tensorBytes(elements);
    if (bytes > bindingLimit) {
      throw new GpuLimitError(
        `${tensor.what}, shape ${formatShape(tensor.shape)}, needs ${formatBytes(bytes)} as f32, over ${adapterName}'s ${limitName} of ${formatBytes(bindingLimit)}. ` +
          'Use smaller sizes (a smaller batch) or a plan with smaller intermediates (--objective memory, --memory-cap).',
      );
    }
    if (elements > MAX_ELEMENTS) {
      throw new GpuLimitError(`${tensor.what}, shape ${formatShape(tensor.shape)}, has ${elements} elements; the WebGPU kernels index at most ${MAX_ELEMENTS}.`);
    }
  }
}

export function checkWorkgroupsFit(workgroups: number, what: string, limits: ExecutorLimits): void {
  const max = limits.maxComputeWorkgroupsPerDimension;
  if (workgroups > max ** 3) {
    throw new GpuLimitError(`${what} needs ${workgroups} workgroups, over the ${max}^3 dispatch grid allowed by maxComputeWorkgroupsPerDimension`);
  }
}

function describeTensor(id: number, operandCount: number): string {
  return id < operandCount ? `operand ${id + 1}` : `the intermediate of step ${id - operandCount + 1}`;
}

function formatIndexList(indices: readonly string[]): string {
  return indices.length === 0 ? 'scalar' : formatTerm(indices);
}
