/**
 * A benchmark job on an acquired device: the plans of a layer on the same inputs. Plans with the
 * same steps are compiled and measured once (same-plans.ts): timing one plan under two names
 * only measures noise. Each plan is warmed up on its own (the runs also compile the kernels and
 * fill its buffer pool); then the plans are timed in interleaved rounds, so that a machine busy
 * with other work slows every plan alike, in an order that changes every round (seeded), so that
 * no plan always runs first or after the same neighbour. A run is timed from its first submit to
 * the device finishing. Then each plan is timed step by step, waiting for the device after each.
 * A plan over the device's limits is reported as skipped.
 */
/// <reference types="@webgpu/types" />
import { executePlan } from '../cpu/execute.js';
import type { Tensor } from '../cpu/tensor.js';
import { seededRandom } from '../random.js';
import { uploadTensor } from '../webgpu/buffers.js';
import { readTensor } from '../webgpu/readback.js';
import { formatAdapter, type Gpu } from '../webgpu/device.js';
import { failOnDeviceLoss } from '../webgpu/executor.js';
import { GpuLimitError } from '../webgpu/limits.js';
import { GpuProgram } from '../webgpu/program.js';
import type { NamedPlan } from './baselines.js';
import { loadInputs } from './inputs.js';
import { checkAgainstReference } from './run-layer.js';
import { sameAsEarlier, samePlanNote } from './same-plans.js';
import type { BenchRequest, BenchResult, Check, PlanBenchmark, ProgressSink, StepBenchmark, Timing } from './types.js';

export const DEFAULT_WARMUP = 2;
export const DEFAULT_REPEATS = 10;
/** Step-by-step runs are for the breakdown only; a few are enough. */
const STEP_REPEATS = 3;

export async function benchLayerJob(gpu: Gpu, request: BenchRequest, progress: ProgressSink = () => {}): Promise<BenchResult> {
  const warmup = request.warmup ?? DEFAULT_WARMUP;
  const repeats = request.repeats ?? DEFAULT_REPEATS;
  const first = request.plans[0];
  if (!first) throw new Error('a benchmark needs at least one plan');
  const base = (named: NamedPlan) => ({ name: named.name, macs: named.plan.macs, flops: named.plan.flops, flopRatio: named.plan.flops / first.plan.flops });
  const sameAs = sameAsEarlier(request.plans);

  const measured = await failOnDeviceLoss(gpu, async () => {
    // Compiling checks the limits, so plans that cannot run are known before any input exists.
    const programs = await Promise.all(request.plans.map((named, p) => (sameAs[p] === null ? compileOrSkip(gpu, named, request) : null)));
    const runnable = programs.flatMap((program, p) => (program instanceof GpuProgram ? [{ p, program }] : []));
    const inputs = runnable.length > 0 ? loadInputs(request.inputs) : [];
    const reference = runnable.length > 0 && request.check ? executePlan(first.plan, inputs) : null;
    const buffers = inputs.map((t, k) => uploadTensor(gpu.device, t.data, `operand ${k + 1}`));
    try {
      const checks = new Map<number, Check | null>();
      for (const { p, program } of runnable) {
        progress({ message: `${request.plans[p]!.name}: warming up on ${formatAdapter(gpu.adapter)}`, fraction: 0 });
        checks.set(p, await warmUp(gpu, program, buffers, warmup, reference));
      }
      const samples = await timeRounds(gpu, runnable.map((r) => r.program), buffers, repeats, request.orderSeed ?? 1, (r) =>
        progress({ message: `timed round ${r + 1} of ${repeats} on ${formatAdapter(gpu.adapter)}`, fraction: 0.1 + (0.7 * r) / repeats }),
      );
      const totals = new Map(runnable.map(({ p }, i) => [p, samples[i]!]));
      const results = new Map<number, PlanBenchmark>();
      for (const [p, named] of request.plans.entries()) {
        const program = programs[p];
        if (!program) continue;
        if (!(program instanceof GpuProgram)) {
          results.set(p, { ...base(named), skipped: program.skipped });
          continue;
        }
        progress({ message: `${named.name}: timing each step`, fraction: 0.8 + (0.2 * p) / request.plans.length });
        const time = timing(totals.get(p)!);
        const steps = await timeSteps(gpu, program, buffers);
        results.set(p, { ...base(named), time, gflops: gflops(named.plan.flops, time.medianMs), steps, check: checks.get(p) ?? null });
      }
      return results;
    } finally {
      for (const buffer of buffers) buffer.destroy();
      for (const program of programs) if (program instanceof GpuProgram) program.destroy();
    }
  });
  // A repeated plan carries the figures of the plan it repeats (base figures are the same too).
  const results = request.plans.map((named, p): PlanBenchmark => {
    const earlier = sameAs[p];
    if (earlier === null || earlier === undefined) return measured.get(p)!;
    const { name: _, ...figures } = measured.get(request.plans.findIndex((q) => q.name === earlier))!;
    return { ...figures, ...base(named), sameAs: earlier };
  });
  const firstTime = results[0]?.time?.medianMs;
  const plans = results.map((r) => (r.time && firstTime ? { ...r, timeRatio: r.time.medianMs / firstTime } : r));
  const samePlans = samePlanNote(plans);
  return { adapter: gpu.adapter, expression: first.plan.expression, shapes: first.plan.shapes, warmup, repeats, plans, ...(samePlans ? { samePlans } : {}) };
}

/**
 * Times each program `rounds` times on the same inputs, in interleaved rounds whose order is a
 * fresh seeded shuffle every round; returns each program's run times in milliseconds.
 */
export async function timeRounds(gpu: Gpu, programs: readonly GpuProgram[], buffers: readonly GPUBuffer[], rounds: number, seed: number, onRound: (round: number) => void = () => {}): Promise<number[][]> {
  const samples: number[][] = programs.map(() => []);
  const random = seededRandom(seed);
  for (let r = 0; r < rounds; r++) {
    onRound(r);
    for (const p of shuffled(programs.length, random)) samples[p]!.push(await timeRun(gpu, programs[p]!, buffers));
  }
  return samples;
}

/** 0..n-1 in a seeded random order (Fisher-Yates). */
export function shuffled(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

async function compileOrSkip(gpu: Gpu, { plan }: NamedPlan, request: BenchRequest): Promise<GpuProgram | { skipped: string }> {
  try {
    return await GpuProgram.compile(gpu, plan, { kernel: request.kernel });
  } catch (e) {
    if (e instanceof GpuLimitError) return { skipped: e.message };
    throw e;
  }
}

/** Untimed runs; the first one's result is checked against the reference when there is one. */
async function warmUp(gpu: Gpu, program: GpuProgram, buffers: readonly GPUBuffer[], runs: number, reference: Tensor | null): Promise<Check | null> {
  let check: Check | null = null;
  for (let w = 0; w < Math.max(1, runs); w++) {
    const output = await program.run(buffers);
    if (w === 0 && reference) check = checkAgainstReference(await read(gpu, output, reference), reference);
    await gpu.device.queue.onSubmittedWorkDone();
    program.recycle(output);
  }
  return check;
}

/** One timed run of a compiled plan, from submission until the device is idle. */
export async function timeRun(gpu: Gpu, program: GpuProgram, buffers: readonly GPUBuffer[]): Promise<number> {
  const started = performance.now();
  const output = await program.run(buffers);
  await gpu.device.queue.onSubmittedWorkDone();
  const ms = performance.now() - started;
  program.recycle(output);
  return ms;
}

async function timeSteps(gpu: Gpu, program: GpuProgram, buffers: readonly GPUBuffer[]): Promise<StepBenchmark[]> {
  const samples: number[][] = program.plan.steps.map(() => []);
  for (let r = 0; r < STEP_REPEATS; r++) {
    let last = performance.now();
    const output = await program.run(buffers, {
      afterStep: async (i) => {
        await gpu.device.queue.onSubmittedWorkDone();
        const now = performance.now();
        samples[i]!.push(now - last);
        last = now;
      },
    });
    program.recycle(output);
  }
  const kernels = program.kernelLabels;
  return program.plan.steps.map((step, i) => {
    const time = timing(samples[i]!);
    return { spec: step.spec, kind: step.kind, macs: step.macs, kernels: kernels[i]!, time, gflops: gflops(2 * step.macs, time.medianMs) };
  });
}

async function read(gpu: Gpu, output: GPUBuffer, like: Tensor): Promise<Tensor> {
  const values = await readTensor(gpu.device, output, like.data.length);
  return { shape: like.shape, data: Float64Array.from(values) };
}

export function timing(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => quantile(sorted, q);
  return { medianMs: at(0.5), minMs: sorted[0]!, maxMs: sorted.at(-1)!, q1Ms: at(0.25), q3Ms: at(0.75), runs: sorted.length };
}

/** The q-quantile of sorted values, interpolating linearly between order statistics (the median of an even count is the mean of the middle two). */
function quantile(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

export function gflops(flops: number, ms: number): number {
  return ms > 0 ? flops / ms / 1e6 : 0;
}
