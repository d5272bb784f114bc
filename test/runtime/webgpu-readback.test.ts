/**
 * Read-back through staging buffers kept per device: repeated reads create no new staging
 * buffer, and a kept buffer larger than the read returns exactly the values asked for.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Usage, uploadTensor } from '../../server/src/runtime/webgpu/buffers.js';
import { readTensor } from '../../server/src/runtime/webgpu/readback.js';
import { testGpu } from './webgpu-harness.js';

const gpu = await testGpu();
afterAll(() => gpu?.release());

/** Counts the mappable (staging) buffers the device creates while `work` runs. */
async function stagingCreatedDuring(work: () => Promise<unknown>): Promise<number> {
  const device = gpu!.device;
  const create = device.createBuffer;
  let created = 0;
  device.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor) {
    if (descriptor.usage & Usage.MAP_READ) created++;
    return create.call(this, descriptor);
  };
  try {
    await work();
  } finally {
    device.createBuffer = create;
  }
  return created;
}

const ramp = (n: number, offset: number) => Float32Array.from({ length: n }, (_, i) => offset + i);

describe.skipIf(!gpu)('read-back', () => {
  it('reuses one staging buffer for repeated reads of the same size', async () => {
    const data = ramp(5000, 1);
    const buffer = uploadTensor(gpu!.device, data, 'ramp');
    try {
      await readTensor(gpu!.device, buffer, data.length);
      const created = await stagingCreatedDuring(async () => {
        for (let i = 0; i < 5; i++) expect(await readTensor(gpu!.device, buffer, data.length)).toEqual(data);
      });
      expect(created).toBe(0);
    } finally {
      buffer.destroy();
    }
  });

  it('reads exactly the values asked for through a kept buffer up to twice as large, and reads concurrent requests apart', async () => {
    const large = uploadTensor(gpu!.device, ramp(4000, 0), 'large');
    const small = uploadTensor(gpu!.device, ramp(2500, 100_000), 'small');
    const other = uploadTensor(gpu!.device, ramp(2500, 200_000), 'other');
    try {
      await readTensor(gpu!.device, large, 4000);
      const created = await stagingCreatedDuring(async () => {
        const read = await readTensor(gpu!.device, small, 2500);
        expect(read.length).toBe(2500);
        expect(read).toEqual(ramp(2500, 100_000));
      });
      expect(created).toBe(0);
      const [a, b] = await Promise.all([readTensor(gpu!.device, small, 2500), readTensor(gpu!.device, other, 2500)]);
      expect(a).toEqual(ramp(2500, 100_000));
      expect(b).toEqual(ramp(2500, 200_000));
    } finally {
      [large, small, other].forEach((b) => b.destroy());
    }
  });
});
