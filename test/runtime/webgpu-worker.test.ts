/**
 * Jobs in the WebGPU worker process (bundled for the test): results, progress
 * and checks come back; a timeout, an abort or a worker killed from outside ends the job with its
 * own error and the next job gets a fresh worker; errors keep their class across the process
 * boundary. And in-process: a device lost in the middle of a run is reported, not waited on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planExpression } from '../../server/src/engine/planner.js';
import { executePlan } from '../../server/src/runtime/cpu/execute.js';
import { baselinePlans } from '../../server/src/runtime/jobs/baselines.js';
import type { Progress } from '../../server/src/runtime/jobs/types.js';
import { GpuWorker, JobCancelledError, JobTimeoutError, WorkerExitError } from '../../server/src/runtime/jobs/worker-client.js';
import { writeNpy } from '../../server/src/runtime/npy.js';
import { acquireGpu } from '../../server/src/runtime/webgpu/dawn.js';
import { DeviceLostError, runPlanOnGpu } from '../../server/src/runtime/webgpu/executor.js';
import { GpuLimitError } from '../../server/src/runtime/webgpu/limits.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { bindingLimit, bundleForTests, expectWithinTolerance, testGpu } from './webgpu-harness.js';

const available = await testGpu();
const limit = available ? bindingLimit(available) : 0;
await available?.release();
const bundles = available ? await bundleForTests() : null;
const worker = new GpuWorker({ script: bundles?.worker });
afterAll(() => {
  worker.dispose();
  bundles?.remove();
});
const random = seeded(5);

const CP = 'bshw,rt,rs,rh,rw->bthw|hw';
const CP_SHAPES = [[2, 6, 8, 8], [3, 5], [3, 6], [3, 3], [3, 3]];

describe.skipIf(!available)('the WebGPU worker', () => {
  it('runs a plan on seeded inputs, reports progress, and checks the result against the CPU float64 reference', async () => {
    const plan = planExpression(CP, CP_SHAPES);
    const progress: Progress[] = [];
    const result = await worker.run({ plan, inputs: { kind: 'random', shapes: CP_SHAPES, seed: 3 }, check: true }, { onProgress: (p) => progress.push(p), timeoutMs: 30_000 });
    expect(result.output.shape).toEqual([2, 5, 8, 8]);
    expect(result.check?.ok).toBe(true);
    expect(result.kernels).toHaveLength(plan.steps.length);
    expect(progress.length).toBeGreaterThan(plan.steps.length);
    expect(progress.at(-1)!.message).toMatch(/CPU float64 reference/);
  });

  it('reads .npy inputs and returns what the CPU reference computes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cein-webgpu-'));
    const inputs = [randomTensor([4, 7], random), randomTensor([7, 3], random)];
    const files = inputs.map((t, k) => {
      const file = join(dir, `operand${k}.npy`);
      writeFileSync(file, writeNpy(t.data, t.shape, k === 0 ? '<f4' : '<f8'));
      return file;
    });
    const plan = planExpression('ij,jk->ik', [[4, 7], [7, 3]]);
    const result = await worker.run({ plan, inputs: { kind: 'files', files } });
    const f32 = { shape: inputs[0]!.shape, data: Float64Array.from(Float32Array.from(inputs[0]!.data)) };
    expectWithinTolerance(result.output, executePlan(plan, [f32, inputs[1]!]));
  });

  it('keeps the class of a limits error, raised before the inputs are generated', async () => {
    // One row of 1024 f32 values past the device's own limit.
    const rows = Math.floor(limit / 4 / 1024) + 1;
    const plan = planExpression('ij,jk->ik', [[rows, 1024], [1024, 1]]);
    await expect(worker.run({ plan, inputs: { kind: 'random', shapes: plan.shapes, seed: 1 } }, { timeoutMs: 10_000 })).rejects.toBeInstanceOf(GpuLimitError);
  });

  it('stops a job past its timeout; the next job gets a fresh worker', async () => {
    const plan = planExpression(CP, CP_SHAPES);
    await worker.run({ plan, inputs: { kind: 'random', shapes: CP_SHAPES, seed: 1 } });
    const before = worker.pid;
    const slow = worker.bench({ plans: baselinePlans(CP, CP_SHAPES), inputs: { kind: 'random', shapes: CP_SHAPES, seed: 1 }, repeats: 100_000 }, { timeoutMs: 300 });
    await expect(slow).rejects.toBeInstanceOf(JobTimeoutError);
    const result = await worker.run({ plan, inputs: { kind: 'random', shapes: CP_SHAPES, seed: 1 }, check: true });
    expect(result.check?.ok).toBe(true);
    expect(worker.pid).not.toBe(before);
  });

  it('cancels a job when its signal aborts', async () => {
    const controller = new AbortController();
    const job = worker.bench(
      { plans: baselinePlans(CP, CP_SHAPES), inputs: { kind: 'random', shapes: CP_SHAPES, seed: 1 }, repeats: 100_000 },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    await expect(job).rejects.toBeInstanceOf(JobCancelledError);
    const aborted = new AbortController();
    aborted.abort();
    await expect(worker.run({ plan: planExpression('ij->ji', [[2, 3]]), inputs: { kind: 'random', shapes: [[2, 3]], seed: 1 } }, { signal: aborted.signal })).rejects.toBeInstanceOf(JobCancelledError);
  });

  it('reports a worker killed from outside, then starts a new one', async () => {
    let killed = false;
    const job = worker.bench(
      { plans: baselinePlans(CP, CP_SHAPES), inputs: { kind: 'random', shapes: CP_SHAPES, seed: 1 }, repeats: 100_000 },
      { onProgress: () => !killed && (killed = process.kill(worker.pid!, 'SIGKILL')) },
    );
    await expect(job).rejects.toBeInstanceOf(WorkerExitError);
    await expect(job).rejects.toThrow(/killed \(SIGKILL\) during the bench/);
    const plan = planExpression('ij,jk->ik', [[3, 4], [4, 5]]);
    expect((await worker.run({ plan, inputs: { kind: 'random', shapes: plan.shapes, seed: 2 }, check: true })).check?.ok).toBe(true);
  });

  it('benchmarks the optimal, left-to-right and rebuilt-kernel plans with per-step times and checks', async () => {
    const plans = baselinePlans(CP, CP_SHAPES);
    expect(plans.map((p) => p.name)).toEqual(['optimal', 'left-to-right', 'rebuilt-kernel']);
    expect(plans[2]!.plan.macs).toBe(plans[0]!.plan.rebuiltMacs);
    expect(plans[1]!.plan.macs).toBe(plans[0]!.plan.naiveMacs);
    const result = await worker.bench({ plans, inputs: { kind: 'random', shapes: CP_SHAPES, seed: 4 }, warmup: 1, repeats: 3, check: true }, { timeoutMs: 30_000 });
    expect(result.plans.map((p) => p.name)).toEqual(['optimal', 'left-to-right', 'rebuilt-kernel']);
    for (const p of result.plans) {
      expect(p.check?.ok, p.name).toBe(true);
      expect(p.time!.runs).toBe(3);
      expect(p.time!.minMs).toBeLessThanOrEqual(p.time!.medianMs);
      expect(p.time!.medianMs).toBeLessThanOrEqual(p.time!.maxMs);
      expect(p.steps).toHaveLength(plans.find((q) => q.name === p.name)!.plan.steps.length);
      expect(p.flopRatio).toBeCloseTo(plans.find((q) => q.name === p.name)!.plan.flops / plans[0]!.plan.flops);
    }
  });

  it('runs queued jobs one after another, in order', async () => {
    const plans = [planExpression('ij->ji', [[2, 3]]), planExpression('i,j->ij', [[2], [3]]), planExpression('ii->i', [[4, 4]])];
    const results = await Promise.all(plans.map((plan, k) => worker.run({ plan, inputs: { kind: 'random', shapes: plan.shapes, seed: k } })));
    expect(results.map((r) => r.output.shape)).toEqual([[3, 2], [2, 3], [4]]);
  });
});

describe.skipIf(!available)('a device lost during a run', () => {
  it('fails the run with DeviceLostError instead of waiting', async () => {
    const gpu = await acquireGpu();
    const plan = planExpression('ij,jk->ik', [[64, 64], [64, 64]]);
    const inputs = plan.shapes.map((shape) => randomTensor(shape, random));
    const run = runPlanOnGpu(gpu, plan, inputs);
    const released = gpu.release();
    await expect(run).rejects.toBeInstanceOf(DeviceLostError);
    await released;
  });
});
