/**
 * Run and benchmark jobs as plain data, so they can cross into the worker process: what to run
 * (plans made by the engine, inputs) and what comes back. The language server and the CLI build
 * requests; the worker executes them.
 */
import type { Plan } from '../../engine/plan.js';
import type { Analysis } from '../../engine/shapes.js';
import type { Comparison } from '../compare.js';
import type { DirectCheck, DirectCheckScope } from '../cpu/direct-check.js';
import type { Tensor } from '../cpu/tensor.js';
import type { AdapterDescription, AdapterPreference } from '../webgpu/device.js';
import type { GpuRun } from '../webgpu/executor.js';
import type { KernelChoice } from '../webgpu/kernels.js';

export type LayerInputs =
  | { readonly kind: 'random'; readonly shapes: readonly (readonly number[])[]; readonly seed: number }
  | { readonly kind: 'files'; readonly files: readonly string[] }
  | { readonly kind: 'tensors'; readonly tensors: readonly Tensor[] };

export interface RunRequest {
  readonly plan: Plan;
  readonly inputs: LayerInputs;
  /** Also run the plan on the CPU in float64 and report the error against it. */
  readonly check?: boolean;
  readonly adapter?: AdapterPreference;
  readonly kernel?: KernelChoice;
}

/** Error of the device's f32 result against the CPU float64 reference, with the pass/fail rule. */
export interface Check extends Comparison {
  /** Largest relative error accepted: maxAbsError <= tolerance * maxAbsReference. */
  readonly tolerance: number;
  readonly ok: boolean;
}

/** The device run (output, kernels, timings) with the adapter it ran on and its check. */
export interface RunResult extends GpuRun {
  readonly adapter: AdapterDescription;
  readonly check: Check | null;
}

export type BaselineName = 'optimal' | 'left-to-right' | 'rebuilt-kernel';

export interface BenchRequest {
  /** The plans to time on the same inputs; the first is the one the others are compared with. */
  readonly plans: readonly { readonly name: BaselineName; readonly plan: Plan }[];
  readonly inputs: LayerInputs;
  readonly warmup?: number;
  readonly repeats?: number;
  /** Check every plan's result against the CPU float64 reference. */
  readonly check?: boolean;
  readonly adapter?: AdapterPreference;
  readonly kernel?: KernelChoice;
  /** Seeds the order of the plans in each timed round (it changes every round); default 1. */
  readonly orderSeed?: number;
}

/** A sample of run times: median and spread (extremes and quartiles). */
export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** First and third quartiles (linear interpolation between order statistics). */
  readonly q1Ms: number;
  readonly q3Ms: number;
  readonly runs: number;
}

export interface StepBenchmark {
  readonly spec: string;
  readonly kind: string;
  readonly macs: number;
  readonly kernels: string;
  readonly time: Timing;
  readonly gflops: number;
}

export interface PlanBenchmark {
  readonly name: BaselineName;
  readonly macs: number;
  readonly flops: number;
  /** This plan's FLOPs over the first plan's. */
  readonly flopRatio: number;
  /** Present when the plan could not run here (e.g. an intermediate over the device's limits). */
  readonly skipped?: string;
  /** The earlier plan with the same steps: this one was not measured apart, its figures are that plan's. */
  readonly sameAs?: BaselineName;
  readonly time?: Timing;
  /** FLOPs over the median time. */
  readonly gflops?: number;
  /** Median time over the first plan's median time. */
  readonly timeRatio?: number;
  readonly steps?: readonly StepBenchmark[];
  readonly check?: Check | null;
}

export interface BenchResult {
  readonly adapter: AdapterDescription;
  readonly expression: string;
  readonly shapes: readonly (readonly number[])[];
  readonly warmup: number;
  readonly repeats: number;
  readonly plans: readonly PlanBenchmark[];
  /** Which plans are the same plan ("all three orders are the same plan, measured once"), when some are. */
  readonly samePlans?: string;
}

export interface Progress {
  readonly message: string;
  /** 0..1 when known. */
  readonly fraction?: number;
}

export type ProgressSink = (progress: Progress) => void;

/** How a caller waits for a job in a worker. */
export interface JobOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressSink;
  /** Milliseconds from the job's start (not its wait in the queue); default none. */
  readonly timeoutMs?: number;
}

/** The float64 reference run of a plan (cpu-job.ts), in a worker thread in Node or the runtime worker in a browser. */
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
