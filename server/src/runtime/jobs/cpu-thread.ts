/**
 * The CPU reference run as a worker thread (bundled as out/cpu-thread.cjs), so that a float64
 * run of a large layer never blocks the thread that started it (the language server's, the
 * CLI's), and stops when that thread terminates it (a timeout, a cancel).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkAgainstDirect } from '../cpu/direct-check.js';
import { executePlan } from '../cpu/execute.js';
import { loadInputs } from './inputs.js';
import type { CpuRunRequest, CpuRunResult } from './cpu-run.js';

const { plan, inputs, returnOutput, check } = workerData as CpuRunRequest;
try {
  const tensors = loadInputs(inputs);
  const started = performance.now();
  const output = executePlan(plan, tensors);
  const runMs = performance.now() - started;
  const result: CpuRunResult = {
    outputShape: output.shape,
    runMs,
    ...(returnOutput ? { output: output.data } : {}),
    ...(check ? { check: checkAgainstDirect(check.analysis, tensors, output, check.scope, check.seed) } : {}),
  };
  parentPort?.postMessage({ result }, returnOutput ? [output.data.buffer as ArrayBuffer] : []);
} catch (e) {
  parentPort?.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
