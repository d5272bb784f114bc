/** The float64 reference run of a plan, with the optional direct check: the job behind cpu-thread.ts and the browser's runtime worker. */
import { checkAgainstDirect } from '../cpu/direct-check.js';
import { executePlan } from '../cpu/execute.js';
import { loadInputs } from './inputs.js';
import type { CpuRunRequest, CpuRunResult } from './types.js';

export function runCpuJob({ plan, inputs, returnOutput, check }: CpuRunRequest): CpuRunResult {
  const tensors = loadInputs(inputs);
  const started = performance.now();
  const output = executePlan(plan, tensors);
  const runMs = performance.now() - started;
  return {
    outputShape: output.shape,
    runMs,
    ...(returnOutput ? { output: output.data } : {}),
    ...(check ? { check: checkAgainstDirect(check.analysis, tensors, output, check.scope, check.seed) } : {}),
  };
}
