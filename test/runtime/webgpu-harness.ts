/**
 * What the WebGPU runtime tests share: the device, the tolerance rule, and running a plan (or a
 * hand-made step) on the device next to the CPU float64 reference.
 *
 * The device: CI sets CEIN_REQUIRE_WEBGPU=1, and there a missing adapter fails the suite. On a
 * developer machine without an adapter the WebGPU suites are skipped, with a notice that says so.
 *
 * The tolerance rule: the device computes in f32, the reference in float64; a result passes
 * when max |gpu - reference| <= 1e-4 * max |reference|.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { expect } from 'vitest';
import type { ConvOptionsMap } from '../../server/src/engine/options.js';
import type { Plan, PlanStep, PlanTree } from '../../server/src/engine/plan.js';
import { planExpression, planFromTree } from '../../server/src/engine/planner.js';
import { executePlan } from '../../server/src/runtime/cpu/execute.js';
import type { Tensor } from '../../server/src/runtime/cpu/tensor.js';
import { WORKER_BUNDLE } from '../../server/src/runtime/jobs/worker-client.js';
import { acquireGpu } from '../../server/src/runtime/webgpu/dawn.js';
import type { Gpu } from '../../server/src/runtime/webgpu/device.js';
import { runPlanOnGpu } from '../../server/src/runtime/webgpu/executor.js';
import type { CompileOptions } from '../../server/src/runtime/webgpu/program.js';

export const TOLERANCE = 1e-4;

export async function testGpu(): Promise<Gpu | null> {
  try {
    return await acquireGpu();
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (process.env.CEIN_REQUIRE_WEBGPU === '1') throw new Error(`CEIN_REQUIRE_WEBGPU=1 but there is no WebGPU adapter: ${reason}`);
    console.warn(`\n!!! WebGPU tests SKIPPED: ${reason}\n!!! (set CEIN_REQUIRE_WEBGPU=1 to make a missing adapter fail the tests)\n`);
    return null;
  }
}

/** The largest tensor the device binds: the smaller of its storage binding and buffer size limits, in bytes. */
export function bindingLimit(gpu: Gpu): number {
  return Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
}

/** Bytes as a refusal message writes them, worked out here: 1024-based units, two decimals ("128.00 MiB", "4.00 GiB"). */
export function bytesText(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  const power = Math.min(units.length, Math.floor(Math.log2(Math.max(bytes, 1)) / 10));
  return power === 0 ? `${bytes} B` : `${(bytes / 2 ** (10 * power)).toFixed(2)} ${units[power - 1]}`;
}

/** Same shape, and max |actual - expected| <= 1e-4 * max |expected| (computed here, not by the runtime). */
export function expectWithinTolerance(actual: Tensor, expected: Tensor, what = ''): void {
  expect(actual.shape, what).toEqual(expected.shape);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.data.length; i++) {
    worst = Math.max(worst, Math.abs(actual.data[i]! - expected.data[i]!));
    scale = Math.max(scale, Math.abs(expected.data[i]!));
  }
  expect(Number.isFinite(worst), `${what}: a non-finite value`).toBe(true);
  expect(worst, `${what}: max abs error ${worst} against max |y| ${scale}`).toBeLessThanOrEqual(TOLERANCE * scale);
}

/** Runs the plan on the device and checks it against the CPU float64 run of the same plan. */
export async function expectPlanMatches(gpu: Gpu, plan: Plan, inputs: readonly Tensor[], options: CompileOptions = {}): Promise<Tensor> {
  const run = await runPlanOnGpu(gpu, plan, inputs, options);
  const reference = executePlan(plan, inputs);
  expectWithinTolerance(run.output, reference, `${plan.expression} [${run.kernels.join(' | ')}]`);
  return run.output;
}

export function planOf(text: string, inputs: readonly Tensor[], conv: ConvOptionsMap = {}, tree?: PlanTree): Plan {
  const shapes = inputs.map((t) => t.shape);
  return tree ? planFromTree(text, shapes, tree, { conv }) : planExpression(text, shapes, { conv });
}

/** A one-step plan around a hand-made step, for testing kernels without the planner. */
export function planOfStep(step: PlanStep): Plan {
  return {
    expression: step.spec,
    shapes: step.inputShapes,
    objective: 'flops',
    outputIndices: step.indices,
    outputShape: step.outputShape,
    tree: step.inputs.length === 1 ? { leaf: 0 } : { left: { leaf: 0 }, right: { leaf: 1 } },
    path: [step.inputs.map((_, k) => k)],
    steps: [step],
    optimal: true,
    optimality: 'all trees',
    macs: step.macs,
    flops: 2 * step.macs,
    largestIntermediate: null,
    peakElements: 0,
    naiveMacs: step.macs,
    naiveTree: step.inputs.length === 1 ? { leaf: 0 } : { left: { leaf: 0 }, right: { leaf: 1 } },
    rebuiltTree: null,
    rebuiltMacs: null,
    dataOperands: [],
    params: 0,
    constElements: 0,
    denseParams: null,
    compression: null,
    denseMacs: null,
    objectiveValue: step.macs,
    exact: true,
    inexactFigures: [],
    planMs: 0,
  };
}

/** Every kernel family for two-input steps: the automatic choice, per-output, GEMM unstaged and staged, and the tiled convolution kernel. */
export const KERNEL_VARIANTS: readonly { readonly name: string; readonly options: CompileOptions }[] = [
  { name: 'auto', options: {} },
  { name: 'per-output', options: { kernel: 'per-output' } },
  { name: 'gemm unstaged', options: { kernel: 'gemm', staged: false } },
  { name: 'gemm staged', options: { kernel: 'gemm', staged: true } },
  { name: 'conv tiled', options: { kernel: 'conv-tiled' } },
];

/**
 * Bundles the CLI and the WebGPU worker into a fresh folder under out/ (where Node still finds
 * node_modules), so that these tests neither depend on nor race with other tests' builds.
 */
export async function bundleForTests(): Promise<{ dir: string; cli: string; worker: string; remove: () => void }> {
  mkdirSync('out', { recursive: true });
  const dir = resolve(mkdtempSync(join('out', 'webgpu-test-')));
  const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['webgpu'], logLevel: 'warning' };
  await Promise.all([
    build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: join(dir, 'cli.cjs') }),
    build({ ...common, entryPoints: ['server/src/runtime/jobs/worker-main.ts'], outfile: join(dir, WORKER_BUNDLE) }),
  ]);
  return { dir, cli: join(dir, 'cli.cjs'), worker: join(dir, WORKER_BUNDLE), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
