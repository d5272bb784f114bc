/**
 * Compiled pipelines are cached per device and kernel source: sizes are kernel parameters, so a
 * step of the same structure compiled again, at the same or other sizes, or a second step of
 * that structure in the same plan, compiles nothing new. Counted by wrapping the device's
 * createComputePipeline(Async).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { planExpression } from '../../server/src/engine/planner.js';
import { GpuProgram } from '../../server/src/runtime/webgpu/program.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { expectPlanMatches, testGpu } from './webgpu-harness.js';

const gpu = await testGpu();
afterAll(() => gpu?.release());
const random = seeded(31);

/** Counts the compute pipelines the device creates while `work` runs. */
async function pipelinesCreatedDuring(work: () => Promise<unknown>): Promise<number> {
  const device = gpu!.device;
  const asynchronous = device.createComputePipelineAsync;
  const synchronous = device.createComputePipeline;
  let created = 0;
  device.createComputePipelineAsync = function (this: GPUDevice, descriptor: GPUComputePipelineDescriptor) {
    created++;
    return asynchronous.call(this, descriptor);
  };
  device.createComputePipeline = function (this: GPUDevice, descriptor: GPUComputePipelineDescriptor) {
    created++;
    return synchronous.call(this, descriptor);
  };
  try {
    await work();
  } finally {
    device.createComputePipelineAsync = asynchronous;
    device.createComputePipeline = synchronous;
  }
  return created;
}

describe.skipIf(!gpu)('the pipeline cache', () => {
  it('compiles a step signature once: the same plan again, or at other sizes, creates no pipeline', async () => {
    const small = planExpression('bij,bjk->bik', [[2, 5, 7], [2, 7, 3]]);
    const other = planExpression('bij,bjk->bik', [[3, 6, 9], [3, 9, 4]]);
    let first!: GpuProgram;
    expect(await pipelinesCreatedDuring(async () => (first = await GpuProgram.compile(gpu!, small)))).toBeGreaterThan(0);
    let again!: GpuProgram;
    expect(await pipelinesCreatedDuring(async () => (again = await GpuProgram.compile(gpu!, small)))).toBe(0);
    let resized!: GpuProgram;
    expect(await pipelinesCreatedDuring(async () => (resized = await GpuProgram.compile(gpu!, other)))).toBe(0);
    expect(again.kernelLabels).toEqual(first.kernelLabels);
    expect(resized.kernelLabels).toEqual(first.kernelLabels);

    // The shared pipeline computes the other sizes right: they are parameters, not baked in.
    await expectPlanMatches(gpu!, other, other.shapes.map((shape) => randomTensor(shape, random)));
  });

  it('gives two steps of one plan with the same signature one pipeline', async () => {
    // Both products have n = 24 and m >= 8, so the same tiles: one kernel source for two steps.
    const chain = planExpression('ij,jk,kl->il', [[40, 30], [30, 24], [24, 24]]);
    let program!: GpuProgram;
    expect(await pipelinesCreatedDuring(async () => (program = await GpuProgram.compile(gpu!, chain)))).toBe(1);
    expect(program.kernelLabels).toHaveLength(2);
    expect(program.kernelLabels[1]).toBe(program.kernelLabels[0]);
    await expectPlanMatches(gpu!, chain, chain.shapes.map((shape) => randomTensor(shape, random)));
    program.destroy();
  });

  it('compiles a step of another structure anew', async () => {
    await GpuProgram.compile(gpu!, planExpression('ij,jk->ik', [[4, 5], [5, 6]]));
    const conv = planExpression('bshw,tshw->bthw|hw', [[1, 2, 6, 6], [3, 2, 3, 3]]);
    expect(await pipelinesCreatedDuring(() => GpuProgram.compile(gpu!, conv))).toBeGreaterThan(0);
  });
});
