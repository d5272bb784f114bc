/**
 * Reading tensors back to the host through staging buffers kept per device. Creating a staging
 * buffer per read-back cost about twice the copy itself on llvmpipe (0.98 ms fresh against
 * 0.44 ms reused for 2 MiB), with spikes of 8-18 ms; a run reads back once, a benchmark once
 * per plan, a test many times. Staging buffers over STAGING_KEPT_BYTES are not kept.
 */
/// <reference types="@webgpu/types" />
import { BufferPool } from './buffer-pool.js';
import { createStagingBuffer, readThrough } from './buffers.js';

const STAGING_KEPT_BYTES = 64 * 2 ** 20;

const pools = new WeakMap<GPUDevice, BufferPool>();

function stagingPool(device: GPUDevice): BufferPool {
  let pool = pools.get(device);
  if (!pool) {
    pool = new BufferPool(device, createStagingBuffer);
    pools.set(device, pool);
  }
  return pool;
}

/** Copies `elements` f32 values out of a storage buffer. */
export async function readTensor(device: GPUDevice, buffer: GPUBuffer, elements: number): Promise<Float32Array> {
  const pool = stagingPool(device);
  const staging = pool.take(elements, 'readback');
  // Smaller staging buffers that the request retired are unused: nothing submitted reads them.
  pool.submitted();
  let reusable = false;
  try {
    const values = await readThrough(device, buffer, elements, staging);
    reusable = true;
    return values;
  } finally {
    if (reusable && staging.size <= STAGING_KEPT_BYTES) pool.give(staging);
    else staging.destroy();
  }
}
