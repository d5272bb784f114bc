/**
 * Padding fused into the step that reads it: the dispatches a run issues, counted on the device
 * while the program runs, against the count worked out from the step list alone (one dispatch
 * per step, plus one per padded input where the padding is copied first), with the output
 * checked against the CPU float64 run each time.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvOptionsMap } from '../../server/src/engine/options.js';
import type { Plan, PlanTree } from '../../server/src/engine/plan.js';
import { executePlan } from '../../server/src/runtime/cpu/execute.js';
import { uploadTensor } from '../../server/src/runtime/webgpu/buffers.js';
import { runPlanOnGpu } from '../../server/src/runtime/webgpu/executor.js';
import { GpuProgram, type CompileOptions } from '../../server/src/runtime/webgpu/program.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { expectPlanMatches, expectWithinTolerance, paddedInputs, planOf, testGpu } from './webgpu-harness.js';

const gpu = await testGpu();
afterAll(() => gpu?.release());
const random = seeded(4242);

/** Counts the compute dispatches encoded while one run of the compiled plan is submitted. */
async function dispatchesOfRun(plan: Plan, options: CompileOptions): Promise<number> {
  const device = gpu!.device;
  const program = await GpuProgram.compile(gpu!, plan, options);
  const inputs = plan.shapes.map((shape, k) => uploadTensor(device, randomTensor(shape, random).data, `operand ${k + 1}`));
  const createEncoder = device.createCommandEncoder;
  let dispatches = 0;
  device.createCommandEncoder = function (this: GPUDevice, descriptor?: GPUCommandEncoderDescriptor) {
    const encoder = createEncoder.call(this, descriptor);
    const beginPass = encoder.beginComputePass;
    encoder.beginComputePass = function (this: GPUCommandEncoder, passDescriptor?: GPUComputePassDescriptor) {
      const pass = beginPass.call(this, passDescriptor);
      const dispatch = pass.dispatchWorkgroups;
      pass.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...grid: Parameters<GPUComputePassEncoder['dispatchWorkgroups']>) {
        dispatches++;
        return dispatch.apply(this, grid);
      };
      return pass;
    };
    return encoder;
  };
  try {
    (await program.run(inputs)).destroy();
    await device.queue.onSubmittedWorkDone();
    // What the program reports (the benchmark's figure) is what it issued.
    expect(program.dispatchCount).toBe(dispatches);
  } finally {
    device.createCommandEncoder = createEncoder;
    for (const buffer of inputs) buffer.destroy();
    program.destroy();
  }
  return dispatches;
}

/** One dispatch per step, and one more per padded input when padding is copied. */
function expectedDispatches(plan: Plan, copied: boolean): number {
  return plan.steps.reduce((count, step) => count + 1 + (copied ? paddedInputs(step).size : 0), 0);
}

const cp = (mode: 'reflect' | 'circular' | 'replicate'): ConvOptionsMap => ({ h: { mode }, w: { mode } });

describe.skipIf(!gpu)('padding fused into the step that reads it', () => {
  const filtersFirst: PlanTree = { left: { leaf: 0 }, right: { left: { leaf: 1 }, right: { leaf: 2 } } };
  const cases: { name: string; text: string; shapes: number[][]; conv: ConvOptionsMap; options: CompileOptions; tree?: PlanTree }[] = [
    { name: 'the CP layer, reflect (two depthwise steps, tiled)', text: 'bshw,rt,rs,rh,rw->bthw|hw', shapes: [[2, 8, 9, 7], [4, 8], [4, 8], [4, 3], [4, 3]], conv: cp('reflect'), options: {} },
    { name: 'the CP layer, circular, per-output kernels', text: 'bshw,rt,rs,rh,rw->bthw|hw', shapes: [[2, 8, 9, 7], [4, 8], [4, 8], [4, 3], [4, 3]], conv: cp('circular'), options: { kernel: 'per-output' } },
    { name: 'a depthwise 2-D step, replicate on h and zeros on w', text: 'bhwr,rhw->bhwr|hw', shapes: [[2, 11, 7, 4], [4, 3, 2]], conv: { h: { mode: 'replicate', stride: 2, padding: { kind: 'explicit', lo: 1, hi: 3 } }, w: { padding: { kind: 'explicit', lo: 2, hi: 1 } } }, options: {} },
    { name: 'a full convolution of two filters, then the feature', text: 'bh,h,h->bh|h', shapes: [[3, 17], [3], [5]], conv: { h: { mode: 'reflect' } }, options: { kernel: 'conv-tiled' }, tree: filtersFirst },
  ];
  for (const c of cases) {
    it(`${c.name}: fewer dispatches fused, the same output`, async () => {
      const inputs = c.shapes.map((shape) => randomTensor(shape, random));
      const plan = planOf(c.text, inputs, c.conv, c.tree);
      if (c.tree) expect(plan.steps.map((s) => s.kind)).toContain('filter-convolution');
      const copied = await dispatchesOfRun(plan, { ...c.options, padding: 'copied' });
      const fused = await dispatchesOfRun(plan, c.options);
      expect(copied).toBe(expectedDispatches(plan, true));
      expect(fused).toBe(expectedDispatches(plan, false));
      expect(fused).toBeLessThan(copied);
      await expectPlanMatches(gpu!, plan, inputs, c.options);
    });
  }

  // The GEMM reads the padding itself only when it loads each padded value at most twice per tap:
  // the output channels fit two register blocks (unstaged: 8 wide) or two tiles (staged: 16 wide
  // below 24 channels, 32 below 48, 64 from there).
  const gemmCases: { channels: number; staged: boolean; fused: boolean }[] = [
    { channels: 8, staged: false, fused: true },
    { channels: 16, staged: false, fused: true },
    { channels: 24, staged: false, fused: false },
    { channels: 40, staged: true, fused: true },
    { channels: 136, staged: true, fused: false },
  ];
  for (const c of gemmCases) {
    it(`a 3x3 conv2d as a GEMM, ${c.staged ? 'staged' : 'unstaged'}, ${c.channels} output channels: padding ${c.fused ? 'fused' : 'copied'}`, async () => {
      const inputs = [randomTensor([2, 16, 10, 9], random), randomTensor([c.channels, 16, 3, 3], random)];
      const plan = planOf('bshw,tshw->bthw|hw', inputs, { h: { mode: 'reflect' }, w: { mode: 'circular' } });
      const options: CompileOptions = { staged: c.staged };
      const run = await runPlanOnGpu(gpu!, plan, inputs, options);
      expect(run.kernels[0]).toMatch(/gemm /);
      expect(await dispatchesOfRun(plan, options)).toBe(expectedDispatches(plan, !c.fused));
      expectWithinTolerance(run.output, executePlan(plan, inputs), run.kernels[0]);
    });
  }
});
