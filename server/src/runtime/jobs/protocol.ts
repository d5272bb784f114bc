/**
 * Messages between a caller (the editor or CLI process, a browser's language worker) and a
 * runtime worker (the WebGPU worker process, a browser's runtime worker). `cpu` jobs are the
 * float64 reference run, for a worker that runs it itself (a browser's; Node uses a thread).
 */
import { DeviceLostError } from '../webgpu/executor.js';
import { NoAdapterError } from '../webgpu/device.js';
import { GpuLimitError } from '../webgpu/limits.js';
import { KernelCompileError } from '../webgpu/pipelines.js';
import type { BenchRequest, BenchResult, CpuRunRequest, CpuRunResult, Progress, RunRequest, RunResult } from './types.js';

export type WorkerRequest =
  | { readonly id: number; readonly kind: 'run'; readonly request: RunRequest }
  | { readonly id: number; readonly kind: 'bench'; readonly request: BenchRequest }
  | { readonly id: number; readonly kind: 'cpu'; readonly request: CpuRunRequest };

export type WorkerMessage =
  | { readonly id: number; readonly type: 'progress'; readonly progress: Progress }
  | { readonly id: number; readonly type: 'result'; readonly result: RunResult | BenchResult | CpuRunResult }
  | { readonly id: number; readonly type: 'error'; readonly error: SerializedError }
  | { readonly type: 'device-lost'; readonly message: string };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
}

export function serializeError(e: unknown): SerializedError {
  return e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
}

const KNOWN: Record<string, new (message: string) => Error> = {
  NoAdapterError,
  GpuLimitError,
  DeviceLostError,
  KernelCompileError,
};

/** The error again, as its own class where the caller may want to tell it apart. */
export function deserializeError(error: SerializedError): Error {
  const Known = KNOWN[error.name];
  if (Known) return new Known(error.message);
  const plain = new Error(error.message);
  plain.name = error.name;
  return plain;
}
