/**
 * Acquiring a device from a GPU object (navigator.gpu's shape), with fake GPU objects that
 * record what they were asked: the order of attempts, the limits requested, what the adapter
 * is called. No WebGPU needed.
 */
/// <reference types="@webgpu/types" />
import { describe, expect, it } from 'vitest';
import { acquireGpuOn, formatAdapter, NoAdapterError } from '../../server/src/runtime/webgpu/device.js';

interface FakeAdapter {
  readonly info: Partial<GPUAdapterInfo>;
  readonly limits?: Partial<GPUSupportedLimits>;
}

/** A GPU that answers requestAdapter from `answer`, recording each request's options and each device's limits. */
function fakeGpu(answer: (options: GPURequestAdapterOptions) => FakeAdapter | null) {
  const requests: GPURequestAdapterOptions[] = [];
  const requiredLimits: Record<string, number>[] = [];
  const gpu = {
    async requestAdapter(options: GPURequestAdapterOptions = {}) {
      requests.push(options);
      const adapter = answer(options);
      if (!adapter) return null;
      return {
        info: { vendor: '', architecture: '', device: '', description: '', ...adapter.info },
        limits: { maxBufferSize: 1 << 28, maxStorageBufferBindingSize: 1 << 27, ...adapter.limits },
        async requestDevice(descriptor: GPUDeviceDescriptor) {
          requiredLimits.push(descriptor.requiredLimits as Record<string, number>);
          return { limits: {}, lost: new Promise(() => {}), destroy() {} };
        },
      };
    },
  } as unknown as GPU;
  return { gpu, requests, requiredLimits };
}

describe('acquireGpuOn', () => {
  it('names SwiftShader as browsers report it (vendor and architecture only) and asks for high performance first', async () => {
    const { gpu, requests, requiredLimits } = fakeGpu(() => ({ info: { vendor: 'google', architecture: 'swiftshader' } }));
    const acquired = await acquireGpuOn(gpu);
    expect(requests).toEqual([{ powerPreference: 'high-performance' }]);
    expect(acquired.adapter).toMatchObject({ name: 'google swiftshader', backend: 'browser', featureLevel: 'core', software: true });
    expect(formatAdapter(acquired.adapter)).toBe('google swiftshader (browser WebGPU, software)');
    // The limits raised to what the adapter offers, not left at the defaults.
    expect(requiredLimits[0]).toMatchObject({ maxBufferSize: 1 << 28, maxStorageBufferBindingSize: 1 << 27 });
  });

  it('falls back to compatibility mode when no adapter answers the first request', async () => {
    const { gpu, requests } = fakeGpu((options) => (options.featureLevel === 'compatibility' ? { info: { device: 'Some GPU' } } : null));
    const acquired = await acquireGpuOn(gpu);
    expect(requests).toEqual([{ powerPreference: 'high-performance' }, { featureLevel: 'compatibility' }]);
    expect(acquired.adapter).toMatchObject({ name: 'Some GPU', featureLevel: 'compatibility', software: false });
  });

  it('never takes a null backend, whose results are garbage', async () => {
    const { gpu } = fakeGpu(() => ({ info: { device: 'Null backend' } }));
    await expect(acquireGpuOn(gpu)).rejects.toThrow(/no WebGPU adapter in this browser \(requestAdapter\(\) found none\)/);
  });

  it('says so when the browser has no WebGPU at all', async () => {
    const refusal = acquireGpuOn(undefined);
    await expect(refusal).rejects.toBeInstanceOf(NoAdapterError);
    await expect(refusal).rejects.toThrow('no WebGPU adapter in this browser (navigator.gpu is missing)');
  });

  it('asks only the preferred kind of adapter', async () => {
    const hardware = fakeGpu(() => null);
    await expect(acquireGpuOn(hardware.gpu, 'hardware')).rejects.toBeInstanceOf(NoAdapterError);
    expect(hardware.requests).toEqual([{ powerPreference: 'high-performance' }]);
    const software = fakeGpu(() => null);
    await expect(acquireGpuOn(software.gpu, 'software')).rejects.toBeInstanceOf(NoAdapterError);
    expect(software.requests).toEqual([{ featureLevel: 'compatibility' }]);
  });
});
