/** Running a plan on the device from host tensors to a host tensor: the WebGPU counterpart of cpu/execute.ts. */
import type { Plan } from '../../engine/plan.js';
import { elementCount, type Tensor } from '../cpu/tensor.js';
import { checkOperands } from '../operands.js';
import { uploadTensor } from './buffers.js';
import { readTensor } from './readback.js';
import type { Gpu } from './device.js';
import { GpuProgram, type CompileOptions, type RunHooks } from './program.js';

export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}

export interface GpuRun {
  /** The output, computed in f32, widened to float64. */
  readonly output: Tensor;
  /** Kernels per step, e.g. "pad copy,zeros + gemm 8x64/8x8 0.1.3.3". */
  readonly kernels: readonly string[];
  readonly compileMs: number;
  readonly uploadMs: number;
  /** From the first submit to the device finishing the last step. */
  readonly computeMs: number;
  readonly readMs: number;
}

export async function runPlanOnGpu(gpu: Gpu, plan: Plan, inputs: readonly Tensor[], options: CompileOptions = {}, hooks: RunHooks = {}): Promise<GpuRun> {
  checkOperands(plan, inputs);
  return failOnDeviceLoss(gpu, async () => {
    let t = performance.now();
    const program = await GpuProgram.compile(gpu, plan, options);
    const compileMs = performance.now() - t;
    t = performance.now();
    const buffers = inputs.map((tensor, k) => uploadTensor(gpu.device, tensor.data, `operand ${k + 1}`));
    await gpu.device.queue.onSubmittedWorkDone();
    const uploadMs = performance.now() - t;
    try {
      t = performance.now();
      const output = await program.run(buffers, hooks);
      await gpu.device.queue.onSubmittedWorkDone();
      const computeMs = performance.now() - t;
      t = performance.now();
      const values = await readTensor(gpu.device, output, elementCount(plan.outputShape));
      output.destroy();
      const readMs = performance.now() - t;
      return { output: { shape: [...plan.outputShape], data: Float64Array.from(values) }, kernels: program.kernelLabels, compileMs, uploadMs, computeMs, readMs };
    } finally {
      for (const buffer of buffers) buffer.destroy();
      program.destroy();
    }
  });
}

/** Runs `work`, failing with DeviceLostError as soon as the device is lost instead of waiting forever. */
export async function failOnDeviceLoss<T>(gpu: Gpu, work: () => Promise<T>): Promise<T> {
  let settled = false;
  const lost = gpu.lost.then((info) => {
    if (settled) return new Promise<never>(() => {});
    throw new DeviceLostError(`the WebGPU device was lost (${info.reason}): ${info.message || 'no message'}`);
  });
  try {
    return await Promise.race([work(), lost]);
  } finally {
    settled = true;
  }
}
