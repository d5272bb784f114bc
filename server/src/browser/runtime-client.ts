/**
 * Jobs in the browser's runtime worker (runtime-worker.ts), the counterpart of Node's
 * runtime/jobs/worker-client.ts: one job at a time, in order; a timeout, a cancel, a lost device
 * or a crash terminates the worker, and the next job starts a fresh one. An idle worker is
 * terminated after a while, which frees its device.
 */
import { formatSeconds, JobCancelledError, JobTimeoutError, WorkerExitError } from '../runtime/jobs/job-errors.js';
import { deserializeError, type WorkerMessage, type WorkerRequest } from '../runtime/jobs/protocol.js';
import type { BenchRequest, BenchResult, CpuRunRequest, CpuRunResult, JobOptions, RunRequest, RunResult } from '../runtime/jobs/types.js';
import { DeviceLostError } from '../runtime/webgpu/executor.js';

const DEFAULT_IDLE_MS = 120_000;

type Job = Omit<WorkerRequest, 'id'>;

export class RuntimeWorkerClient {
  private worker: Worker | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** Asked when the worker starts, so the script's address may be settled after construction. */
    private readonly script: () => string | URL,
    private readonly idleMs = DEFAULT_IDLE_MS,
  ) {}

  run(request: RunRequest, options: JobOptions = {}): Promise<RunResult> {
    return this.enqueue({ kind: 'run', request }, options) as Promise<RunResult>;
  }

  bench(request: BenchRequest, options: JobOptions = {}): Promise<BenchResult> {
    return this.enqueue({ kind: 'bench', request }, options) as Promise<BenchResult>;
  }

  runOnCpu(request: CpuRunRequest, options: JobOptions = {}): Promise<CpuRunResult> {
    return this.enqueue({ kind: 'cpu', request }, options) as Promise<CpuRunResult>;
  }

  private enqueue(job: Job, options: JobOptions): Promise<unknown> {
    const result = this.queue.then(() => this.execute(job, options));
    this.queue = result.catch(() => {});
    return result;
  }

  private execute(job: Job, options: JobOptions): Promise<unknown> {
    const what = job.kind === 'cpu' ? 'CPU run' : `WebGPU ${job.kind}`;
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new JobCancelledError(`the ${what} was cancelled`));
        return;
      }
      clearTimeout(this.idleTimer);
      const worker = (this.worker ??= new Worker(this.script()));
      const id = this.nextId++;
      let timer: ReturnType<typeof setTimeout> | undefined;
      // A job's own failure (a refused plan, no adapter) leaves the worker usable; a timeout, a cancel or a crash does not.
      const finish = (error: Error | null, result?: unknown, stopWorker = error !== null) => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        options.signal?.removeEventListener('abort', onAbort);
        clearTimeout(timer);
        if (stopWorker) this.stop(worker);
        this.idle();
        if (error) reject(error);
        else resolve(result);
      };
      const onMessage = ({ data: message }: MessageEvent<WorkerMessage>) => {
        if (message.type === 'device-lost') finish(new DeviceLostError(`${message.message}; the next run starts a fresh device`));
        else if (message.id !== id) return;
        else if (message.type === 'progress') options.onProgress?.(message.progress);
        else if (message.type === 'result') finish(null, message.result);
        else finish(deserializeError(message.error), undefined, false);
      };
      const onError = (event: ErrorEvent) => finish(new WorkerExitError(`the runtime worker failed during the ${what}: ${event.message || 'no message (could it load?)'}`));
      const onAbort = () => finish(new JobCancelledError(`the ${what} was cancelled`));
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => finish(new JobTimeoutError(`the ${what} took longer than ${formatSeconds(options.timeoutMs!)} and was stopped; the next run starts a fresh worker`)), options.timeoutMs);
      }
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ ...job, id });
    });
  }

  private idle(): void {
    const worker = this.worker;
    if (!worker) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(worker), this.idleMs);
  }

  private stop(worker: Worker): void {
    worker.terminate();
    if (this.worker === worker) this.worker = null;
  }
}
