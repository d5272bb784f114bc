/** A run job on an acquired device: the plan on the given inputs, optionally checked against the CPU float64 reference. */
import { compare } from '../compare.js';
import { executePlan } from '../cpu/execute.js';
import type { Tensor } from '../cpu/tensor.js';
import { formatAdapter, type Gpu } from '../webgpu/device.js';
import { runPlanOnGpu } from '../webgpu/executor.js';
import { planKernels } from '../webgpu/program.js';
import { loadInputs } from './inputs.js';
import type { Check, ProgressSink, RunRequest, RunResult } from './types.js';

/**
 * The device computes in f32, the reference in float64; a result passes when its max abs error
 * is at most this times the largest |value| of the reference.
 */
export const F32_TOLERANCE = 1e-4;

export async function runLayerJob(gpu: Gpu, request: RunRequest, progress: ProgressSink = () => {}): Promise<RunResult> {
  const { plan } = request;
  // Refuse a plan over the device's limits before generating or reading its inputs.
  planKernels(gpu, plan, { kernel: request.kernel });
  const inputs = loadInputs(request.inputs);
  const steps = plan.steps.length;
  progress({ message: `running ${steps} step${steps === 1 ? '' : 's'} on ${formatAdapter(gpu.adapter)}`, fraction: 0 });
  const run = await runPlanOnGpu(gpu, plan, inputs, { kernel: request.kernel }, {
    afterStep: (i) => progress({ message: `submitted step ${i + 1} of ${steps}`, fraction: (i + 1) / (steps + 1) }),
  });
  let check: Check | null = null;
  if (request.check) {
    progress({ message: 'checking against the CPU float64 reference', fraction: steps / (steps + 1) });
    check = checkAgainstReference(run.output, executePlan(plan, inputs));
  }
  return { adapter: gpu.adapter, ...run, check };
}

export function checkAgainstReference(output: Tensor, reference: Tensor): Check {
  const comparison = compare(output.data, reference.data);
  return { ...comparison, tolerance: F32_TOLERANCE, ok: comparison.maxAbsError <= F32_TOLERANCE * comparison.maxAbsReference };
}
