/**
 * Reuse of freed buffers: tensors (storage) by default, or read-back staging buffers. Creating a buffer is far from free (the device zero-fills it
 * before first use; on llvmpipe that costs more than a simple kernel over it), and a plan
 * allocates the same sizes on every run. A freed buffer waits here until a request it can
 * serve (its size up to twice the request); a request nothing fits retires the smaller waiting
 * buffers before allocating, so device memory stays near the plan's live peak. Retired buffers
 * are destroyed at the next submit, as commands not yet submitted may still use them.
 */
/// <reference types="@webgpu/types" />
import { createTensorBuffer, tensorBytes } from './buffers.js';

export type CreateBuffer = (device: GPUDevice, elements: number, label: string) => GPUBuffer;

const SLACK = 2;

export class BufferPool {
  private readonly free: GPUBuffer[] = [];
  private readonly retired: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly create: CreateBuffer = createTensorBuffer,
  ) {}

  take(elements: number, label: string): GPUBuffer {
    const bytes = tensorBytes(elements);
    let best = -1;
    this.free.forEach((buffer, i) => {
      if (buffer.size >= bytes && buffer.size <= SLACK * bytes && (best < 0 || buffer.size < this.free[best]!.size)) best = i;
    });
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    for (const buffer of this.free.filter((b) => b.size < bytes)) {
      this.free.splice(this.free.indexOf(buffer), 1);
      this.retired.push(buffer);
    }
    return this.create(this.device, elements, label);
  }

  /** Returns a buffer for later requests; work already submitted that reads it runs first. */
  give(buffer: GPUBuffer): void {
    this.free.push(buffer);
  }

  /** Call after each submit. */
  submitted(): void {
    for (const buffer of this.retired) buffer.destroy();
    this.retired.length = 0;
  }

  destroy(): void {
    this.submitted();
    for (const buffer of this.free) buffer.destroy();
    this.free.length = 0;
  }
}
