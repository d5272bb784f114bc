/** Tensors on the device: f32 storage buffers, uploaded from and read back to the host. */
/// <reference types="@webgpu/types" />

/** GPUBufferUsage and GPUMapMode flags (fixed by the WebGPU spec; Node has no globals for them). */
export const Usage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_MODE_READ = 0x1;

export const BYTES_PER_ELEMENT = Float32Array.BYTES_PER_ELEMENT;

/** Bytes of a buffer holding `elements` f32 values (bindings need a non-zero multiple of 4). */
export function tensorBytes(elements: number): number {
  return Math.max(1, elements) * BYTES_PER_ELEMENT;
}

export function createTensorBuffer(device: GPUDevice, elements: number, label: string): GPUBuffer {
  return device.createBuffer({ label, size: tensorBytes(elements), usage: Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST });
}

/** A storage buffer holding `data` as f32. */
export function uploadTensor(device: GPUDevice, data: ArrayLike<number>, label: string): GPUBuffer {
  const buffer = device.createBuffer({ label, size: tensorBytes(data.length), usage: Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST, mappedAtCreation: true });
  new Float32Array(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}

export function uploadParams(device: GPUDevice, params: Int32Array, label: string): GPUBuffer {
  const buffer = device.createBuffer({ label, size: Math.max(16, params.byteLength), usage: Usage.UNIFORM | Usage.COPY_DST, mappedAtCreation: true });
  new Int32Array(buffer.getMappedRange()).set(params);
  buffer.unmap();
  return buffer;
}

/** A mappable buffer that read-back copies into. */
export function createStagingBuffer(device: GPUDevice, elements: number, label: string): GPUBuffer {
  return device.createBuffer({ label, size: tensorBytes(elements), usage: Usage.MAP_READ | Usage.COPY_DST });
}

/** Copies `elements` f32 values out of a storage buffer through `staging` (at least that large, unmapped); leaves it unmapped. */
export async function readThrough(device: GPUDevice, buffer: GPUBuffer, elements: number, staging: GPUBuffer): Promise<Float32Array> {
  const size = tensorBytes(elements);
  const encoder = device.createCommandEncoder({ label: 'readback' });
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(MAP_MODE_READ, 0, size);
  try {
    return new Float32Array(staging.getMappedRange(0, size).slice(0, elements * BYTES_PER_ELEMENT));
  } finally {
    staging.unmap();
  }
}
