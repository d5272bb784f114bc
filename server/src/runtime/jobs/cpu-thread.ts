/**
 * The CPU reference run as a worker thread (bundled as out/cpu-thread.cjs), so that a float64
 * run of a large layer never blocks the thread that started it (the language server's, the
 * CLI's), and stops when that thread terminates it (a timeout, a cancel).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runCpuJob } from './cpu-job.js';
import { readInputFiles } from './input-files.js';
import type { CpuRunRequest } from './types.js';

const request = workerData as CpuRunRequest;
try {
  const result = runCpuJob({ ...request, inputs: readInputFiles(request.inputs) });
  parentPort?.postMessage({ result }, result.output ? [result.output.buffer as ArrayBuffer] : []);
} catch (e) {
  parentPort?.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
