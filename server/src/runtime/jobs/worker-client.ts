/**
 * Running jobs in the WebGPU worker process, so that a hung or lost device never takes the
 * caller (the language server, the CLI) down: each job has a timeout and an abort signal,
 * either of which kills the worker; the next job starts a fresh one with a fresh device.
 * Jobs run one at a time, in order. An idle worker exits after a while to free the device.
 *
 *     const result = await runLayer({ plan, inputs: { kind: 'random', shapes, seed: 1 }, check: true },
 *                                   { signal, onProgress, timeoutMs: 60_000 });
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceLostError } from '../webgpu/executor.js';
import { formatSeconds, JobCancelledError, JobTimeoutError, WorkerExitError } from './job-errors.js';
import { deserializeError, type WorkerMessage, type WorkerRequest } from './protocol.js';
import type { BenchRequest, BenchResult, JobOptions, RunRequest, RunResult } from './types.js';

export { JobCancelledError, JobTimeoutError, WorkerExitError };
export type { JobOptions };

export interface GpuWorkerOptions {
  /** The bundled worker script; default out/gpu-worker.cjs next to the running bundle. */
  readonly script?: string;
  /** An idle worker exits after this many milliseconds; default two minutes. */
  readonly idleMs?: number;
}

export const WORKER_BUNDLE = 'gpu-worker.cjs';
const DEFAULT_IDLE_MS = 120_000;
const STDERR_KEPT = 4000;

export class GpuWorker {
  private child: ChildProcess | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private stderrTail = '';
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: GpuWorkerOptions = {}) {}

  run(request: RunRequest, options: JobOptions = {}): Promise<RunResult> {
    return this.enqueue({ kind: 'run', request }, options) as Promise<RunResult>;
  }

  bench(request: BenchRequest, options: JobOptions = {}): Promise<BenchResult> {
    return this.enqueue({ kind: 'bench', request }, options) as Promise<BenchResult>;
  }

  /** The worker's process id while one is running (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops the worker; queued jobs start a new one. */
  dispose(): void {
    if (this.child) this.stop(this.child);
  }

  private enqueue(job: Omit<WorkerRequest, 'id'>, options: JobOptions): Promise<unknown> {
    const result = this.queue.then(() => this.execute(job, options));
    this.queue = result.catch(() => {});
    return result;
  }

  private execute(job: Omit<WorkerRequest, 'id'>, options: JobOptions): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new JobCancelledError(`the WebGPU ${job.kind} was cancelled`));
        return;
      }
      const child = this.start();
      const id = this.nextId++;
      let timer: NodeJS.Timeout | null = null;
      const finish = (error: Error | null, result?: unknown) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        options.signal?.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
        this.idle();
        if (error) reject(error);
        else resolve(result);
      };
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'device-lost') {
          this.stop(child);
          finish(new DeviceLostError(`${message.message}; the next run starts a fresh device`));
        } else if (message.id !== id) {
          return;
        } else if (message.type === 'progress') {
          options.onProgress?.(message.progress);
        } else if (message.type === 'result') {
          finish(null, message.result);
        } else {
          finish(deserializeError(message.error));
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        this.forget(child);
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        const tail = this.stderrTail.trim() ? `; its last output:\n${this.stderrTail.trim()}` : '';
        finish(new WorkerExitError(`the WebGPU worker ${how} during the ${job.kind}${tail}`));
      };
      const onAbort = () => {
        this.stop(child);
        finish(new JobCancelledError(`the WebGPU ${job.kind} was cancelled`));
      };
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.stop(child);
          finish(new JobTimeoutError(`the WebGPU ${job.kind} took longer than ${formatSeconds(options.timeoutMs!)} and was stopped; the next run starts a fresh device`));
        }, options.timeoutMs);
      }
      child.on('message', onMessage);
      child.once('exit', onExit);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.busy(child);
      child.send({ ...job, id } as WorkerRequest);
    });
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const script = this.options.script ?? defaultScript();
    if (!existsSync(script)) throw new Error(`the WebGPU worker ${script} is missing; run npm run build`);
    this.stderrTail = '';
    const child = fork(script, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: [],
      env: { ...process.env, EGL_PLATFORM: process.env.EGL_PLATFORM ?? 'surfaceless' },
    });
    // Dawn logs adapter probing to stderr; keep the end of it for crash reports only.
    child.stderr?.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_KEPT)));
    child.once('exit', () => this.forget(child));
    this.child = child;
    return child;
  }

  /** While a job runs, the worker keeps this process alive. */
  private busy(child: ChildProcess): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    child.ref();
    child.channel?.ref();
  }

  /** An idle worker lets this process exit, and exits itself after a while. */
  private idle(): void {
    const child = this.child;
    if (!child) return;
    child.unref();
    child.channel?.unref();
    this.idleTimer = setTimeout(() => this.stop(child), this.options.idleMs ?? DEFAULT_IDLE_MS);
    this.idleTimer.unref();
  }

  private stop(child: ChildProcess): void {
    this.forget(child);
    child.kill('SIGKILL');
  }

  private forget(child: ChildProcess): void {
    if (this.child === child) this.child = null;
  }
}

function defaultScript(): string {
  // Bundles are CommonJS and sit together in out/; the worker is one of them.
  return join(typeof __dirname === 'string' ? __dirname : join(process.cwd(), 'out'), WORKER_BUNDLE);
}

let shared: GpuWorker | null = null;

/** Runs a plan in the shared worker. */
export function runLayer(request: RunRequest, options: JobOptions = {}): Promise<RunResult> {
  return (shared ??= new GpuWorker()).run(request, options);
}

/** Benchmarks plans in the shared worker. */
export function benchLayer(request: BenchRequest, options: JobOptions = {}): Promise<BenchResult> {
  return (shared ??= new GpuWorker()).bench(request, options);
}
