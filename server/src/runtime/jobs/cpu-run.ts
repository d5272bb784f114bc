/** Runs a plan on the CPU (float64) in a worker thread, with a timeout and cancellation. */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JobCancelledError, JobTimeoutError } from './job-errors.js';
import type { CpuRunRequest, CpuRunResult } from './types.js';

export type { CpuRunRequest, CpuRunResult };

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
