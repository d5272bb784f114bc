/** Runs a plan on the CPU (float64) in a worker thread, with a timeout and cancellation. */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Plan } from '../../engine/plan.js';
import type { Analysis } from '../../engine/shapes.js';
import type { DirectCheck, DirectCheckScope } from '../cpu/direct-check.js';
import type { LayerInputs } from './types.js';
import { JobCancelledError, JobTimeoutError } from './worker-client.js';

export interface CpuRunRequest {
  readonly plan: Plan;
  readonly inputs: LayerInputs;
  /** Send the output's values back, not only its shape. */
  readonly returnOutput?: boolean;
  /** Also compare the output with the direct evaluation of this analysis, in this scope. */
  readonly check?: { readonly analysis: Analysis; readonly scope: DirectCheckScope; readonly seed: number };
}

export interface CpuRunResult {
  readonly outputShape: readonly number[];
  readonly runMs: number;
  readonly output?: Float64Array;
  readonly check?: DirectCheck;
}

export const CPU_THREAD_BUNDLE = 'cpu-thread.cjs';

export function runOnCpu(request: CpuRunRequest, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CpuRunResult> {
  // Bundles are CommonJS and sit together in out/; the thread is one of them.
  const script = join(typeof __dirname === 'string' ? __dirname : join(process.cwd(), 'out'), CPU_THREAD_BUNDLE);
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: request });
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: Error | null, result?: CpuRunResult) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (error) reject(error);
      else resolve(result!);
    };
    const onAbort = () => finish(new JobCancelledError('the CPU run was cancelled'));
    if (options.signal?.aborted) return finish(new JobCancelledError('the CPU run was cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => finish(new JobTimeoutError(`the CPU run took longer than ${options.timeoutMs} ms and was stopped`)), options.timeoutMs);
    }
    worker.once('message', (message: { result?: CpuRunResult; error?: string }) => finish(message.error ? new Error(message.error) : null, message.result));
    worker.once('error', (e) => finish(e));
  });
}
