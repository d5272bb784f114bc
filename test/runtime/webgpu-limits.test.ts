/**
 * Plans over the device's limits are refused with a message naming the tensor, its size and the
 * limit, before anything is allocated; the device keeps working afterwards.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { planExpression, planFromTree } from '../../server/src/engine/planner.js';
import { runPlanOnGpu } from '../../server/src/runtime/webgpu/executor.js';
import { GpuLimitError } from '../../server/src/runtime/webgpu/limits.js';
import { GpuProgram, type CompileOptions } from '../../server/src/runtime/webgpu/program.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { bindingLimit, bytesText, expectPlanMatches, testGpu } from './webgpu-harness.js';

const gpu = await testGpu();
afterAll(() => gpu?.release());
const random = seeded(77);

/** Counts buffers created while `work` runs. */
async function buffersCreatedDuring(work: () => Promise<unknown>): Promise<number> {
  const device = gpu!.device;
  const original = device.createBuffer;
  let created = 0;
  device.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor) {
    created++;
    return original.call(this, descriptor);
  };
  try {
    await work();
  } finally {
    device.createBuffer = original;
  }
  return created;
}

describe.skipIf(!gpu)('refusing tensors over the limits', () => {
  it("an operand over the device's own maxStorageBufferBindingSize, before any buffer exists", async () => {
    const limit = bindingLimit(gpu!);
    const rows = Math.ceil(limit / 4 / 1024) + 1;
    const plan = planExpression('ij,jk->ik', [[rows, 1024], [1024, 2]]);
    let error: unknown;
    const created = await buffersCreatedDuring(() => GpuProgram.compile(gpu!, plan).catch((e) => (error = e)));
    expect(error).toBeInstanceOf(GpuLimitError);
    const message = (error as Error).message;
    expect(message).toContain(`operand 1 (ij), shape ${rows}x1024`);
    expect(message).toContain(`needs ${bytesText(rows * 1024 * 4)} as f32`);
    expect(message).toMatch(/maxStorageBufferBindingSize|maxBufferSize/);
    expect(message).toContain(` of ${bytesText(limit)}.`);
    expect(created).toBe(0);
  });

  it('the output, an intermediate and a padded copy, each named, under a lowered limit', async () => {
    const limits = { maxStorageBufferBindingSize: 4096 };
    const refuse = async (plan: ReturnType<typeof planExpression>, expected: RegExp, options: CompileOptions = {}) => {
      const inputs = plan.shapes.map((shape) => randomTensor(shape, random));
      let error: unknown;
      const created = await buffersCreatedDuring(() => runPlanOnGpu(gpu!, plan, inputs, { ...options, limits }).catch((e) => (error = e)));
      expect(error).toBeInstanceOf(GpuLimitError);
      expect((error as Error).message).toMatch(expected);
      expect(created).toBe(0);
    };
    await refuse(planExpression('ij,jk->ik', [[40, 10], [10, 40]]), /^the output \(ik\), shape 40x40, needs 6\.25 KiB as f32, over .*'s maxStorageBufferBindingSize of 4\.00 KiB/);
    await refuse(planFromTree('ij,jk,kl->il', [[30, 2], [2, 40], [40, 3]], { left: { left: { leaf: 0 }, right: { leaf: 1 } }, right: { leaf: 2 } }), /^the intermediate of step 1 \(ik\), shape 30x40, needs 4\.69 KiB/);
    const conv = { h: { stride: 3, padding: { kind: 'explicit' as const, lo: 100, hi: 100 }, mode: 'replicate' as const } };
    const padded = planExpression('bh,h->bh|h', [[1, 1000], [3]], { conv });
    await refuse(padded, /^operand 1 \(bh\) padded for step 1, shape 1x1200, needs 4\.69 KiB/, { padding: 'copied' });
    // Read through the padding's index map, the step needs no padded copy, and fits.
    await expectPlanMatches(gpu!, padded, padded.shapes.map((shape) => randomTensor(shape, random)), { limits });
  });

  it('a dispatch over the grid is refused, and the device still runs a plan afterwards', async () => {
    const plan = planExpression('i,j->ij', [[40], [40]]);
    const inputs = plan.shapes.map((shape) => randomTensor(shape, random));
    await expect(runPlanOnGpu(gpu!, plan, inputs, { limits: { maxComputeWorkgroupsPerDimension: 1 } })).rejects.toThrow(/workgroups, over the 1\^3 dispatch grid/);
    await expectPlanMatches(gpu!, plan, inputs);
  });
});
