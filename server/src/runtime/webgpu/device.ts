/**
 * Getting a WebGPU device from a `GPU` object, the shape of `navigator.gpu`: the page's own in a
 * browser, Dawn's in Node (`dawn.ts`, the one module that loads Dawn). A hardware adapter first,
 * then the software fallback (compatibility mode); the limits a compute executor needs raised to
 * what the adapter offers. Nothing here imports Node, so browsers and Node share it.
 */
/// <reference types="@webgpu/types" />

export type AdapterPreference = 'auto' | 'hardware' | 'software';

export interface AdapterDescription {
  /** What the driver calls the device, e.g. "llvmpipe-llvm-15-0-6-256-bits-". */
  readonly name: string;
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  /**
   * How it was reached: Dawn's default backends, OpenGL ES (Dawn's software fallback in Node),
   * or a browser's own WebGPU (`navigator.gpu`).
   */
  readonly backend: 'default' | 'opengles' | 'browser';
  readonly featureLevel: 'core' | 'compatibility';
  /** True for a CPU rasterizer (llvmpipe, SwiftShader, lavapipe): correct but slow. */
  readonly software: boolean;
}

/** A device and what it runs on. Release it when done: a live device keeps Node alive. */
export class Gpu {
  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterDescription,
  ) {}

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** Resolves when the device is lost (destroyed, driver reset); the reason says which. */
  get lost(): Promise<GPUDeviceLostInfo> {
    return this.device.lost;
  }

  /** Destroys the device at once (work in flight fails as on a lost device); resolves once it is lost. */
  async release(): Promise<void> {
    this.device.destroy();
    await this.device.lost;
  }
}

export class NoAdapterError extends Error {
  override name = 'NoAdapterError';
}

/** One way of reaching an adapter: a GPU object (made on demand) and the options to ask it with. */
export interface AdapterAttempt {
  readonly gpu: () => GPU;
  readonly options: GPURequestAdapterOptions;
  readonly backend: AdapterDescription['backend'];
}

/** Limits a compute-only executor may raise above the WebGPU defaults, up to what the adapter offers. */
const WANTED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxUniformBufferBindingSize',
] as const;

/** A device from the first attempt that gives a usable adapter; NoAdapterError(noAdapter) when none does. */
export async function acquireGpuFrom(attempts: readonly AdapterAttempt[], noAdapter: string): Promise<Gpu> {
  for (const attempt of attempts) {
    const gpu = attempt.gpu();
    const adapter = await gpu.requestAdapter(attempt.options);
    if (!adapter || isNullBackend(adapter.info)) continue;
    const device = await adapter.requestDevice({ requiredLimits: wantedLimits(adapter.limits) });
    return new Gpu(device, describe(adapter.info, attempt.backend, attempt.options.featureLevel === 'compatibility' ? 'compatibility' : 'core'));
  }
  throw new NoAdapterError(noAdapter);
}

export const NO_BROWSER_WEBGPU = 'no WebGPU adapter in this browser';

/**
 * A device from a browser's `navigator.gpu` (undefined where the browser has no WebGPU): the
 * high-performance adapter first, then one in compatibility mode.
 */
export function acquireGpuOn(gpu: GPU | undefined, preference: AdapterPreference = 'auto'): Promise<Gpu> {
  if (!gpu) return Promise.reject(new NoAdapterError(`${NO_BROWSER_WEBGPU} (navigator.gpu is missing)`));
  const attempts: AdapterAttempt[] = [];
  if (preference !== 'software') attempts.push({ gpu: () => gpu, options: { powerPreference: 'high-performance' }, backend: 'browser' });
  if (preference !== 'hardware') attempts.push({ gpu: () => gpu, options: { featureLevel: 'compatibility' }, backend: 'browser' });
  return acquireGpuFrom(attempts, `${NO_BROWSER_WEBGPU} (requestAdapter() found none)`);
}

/** Dawn's null backend returns garbage; it must never be used for results. */
function isNullBackend(info: GPUAdapterInfo): boolean {
  return /\bnull\b/i.test(`${info.device} ${info.description}`);
}

function wantedLimits(offered: GPUSupportedLimits): Record<string, number> {
  return Object.fromEntries(WANTED_LIMITS.map((name) => [name, offered[name]]));
}

function describe(info: GPUAdapterInfo, backend: AdapterDescription['backend'], featureLevel: AdapterDescription['featureLevel']): AdapterDescription {
  // Browsers may leave device and description empty (SwiftShader gives vendor "google", architecture "swiftshader").
  const name = info.device || info.description || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  return {
    name,
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    backend,
    featureLevel,
    software: /llvmpipe|lavapipe|swiftshader|software/i.test(`${name} ${info.description} ${info.architecture}`),
  };
}

/** "llvmpipe-llvm-15-0-6-256-bits- (OpenGL ES, compatibility, software)". */
export function formatAdapter(adapter: AdapterDescription): string {
  const how = [
    adapter.backend === 'opengles' ? 'OpenGL ES' : adapter.backend === 'browser' ? 'browser WebGPU' : null,
    adapter.featureLevel === 'compatibility' ? 'compatibility' : null,
    adapter.software ? 'software' : null,
  ];
  const details = how.filter((part) => part !== null).join(', ');
  return details ? `${adapter.name} (${details})` : adapter.name;
}
