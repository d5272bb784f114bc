/**
 * The CPU reference run as a worker thread (bundled as out/cpu-thread.cjs), so that a float64
 * run of a large layer never blocks the thread that started it (the language server's).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { executePlan } from '../cpu/execute.js';
import { loadInputs } from './inputs.js';
import type { CpuRunRequest, CpuRunResult } from './cpu-run.js';

const { plan, inputs } = workerData as CpuRunRequest;
try {
  const tensors = loadInputs(inputs);
  const started = performance.now();
  const output = executePlan(plan, tensors);
  const result: CpuRunResult = { outputShape: output.shape, runMs: performance.now() - started };
  parentPort?.postMessage({ result });
} catch (e) {
  parentPort?.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
