/** Compiled compute pipelines, one per distinct kernel source and device. */
/// <reference types="@webgpu/types" />
import type { KernelSource } from './wgsl/common.js';

export class KernelCompileError extends Error {
  override name = 'KernelCompileError';
}

const caches = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

/**
 * The pipeline for a kernel. The source is the cache key: it is generated from the step's loop
 * structure and tile sizes only (extents and deltas are parameters), so it names the signature.
 */
export function pipelineFor(device: GPUDevice, kernel: KernelSource): Promise<GPUComputePipeline> {
  let cache = caches.get(device);
  if (!cache) caches.set(device, (cache = new Map()));
  const cached = cache.get(kernel.source);
  if (cached) return cached;
  const compiling = compile(device, kernel);
  cache.set(kernel.source, compiling);
  compiling.catch(() => cache.delete(kernel.source));
  return compiling;
}

export function cachedPipelineCount(device: GPUDevice): number {
  return caches.get(device)?.size ?? 0;
}

async function compile(device: GPUDevice, kernel: KernelSource): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ label: kernel.label, code: kernel.source });
  try {
    return await device.createComputePipelineAsync({ label: kernel.label, layout: 'auto', compute: { module, entryPoint: 'main' } });
  } catch (e) {
    const info = await module.getCompilationInfo();
    const messages = info.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`).join('\n');
    throw new KernelCompileError(`the ${kernel.label} kernel did not compile: ${e instanceof Error ? e.message : String(e)}\n${messages}`);
  }
}
