/**
 * Getting a WebGPU device in Node through Dawn's bindings (the `webgpu` package, loaded on
 * demand so that nothing else pays for it): a hardware adapter first, then the software
 * fallback, OpenGL ES on Mesa's llvmpipe in compatibility mode.
 */
/// <reference types="@webgpu/types" />

export type AdapterPreference = 'auto' | 'hardware' | 'software';

export interface AdapterDescription {
  /** What the driver calls the device, e.g. "llvmpipe-llvm-15-0-6-256-bits-". */
  readonly name: string;
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  /** How it was reached: Dawn's default backends, or OpenGL ES (the software fallback). */
  readonly backend: 'default' | 'opengles';
  readonly featureLevel: 'core' | 'compatibility';
  /** True for a CPU rasterizer (llvmpipe, SwiftShader, lavapipe): correct but slow. */
  readonly software: boolean;
}

/** A device and what it runs on. Call release() when done: Dawn keeps Node alive while the instance lives. */
export class Gpu {
  constructor(
    private instance: GPU | null,
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

  release(): void {
    this.device.destroy();
    this.instance = null;
  }
}

export const INSTALL_HINT =
  'No WebGPU adapter was found. cein looks for a GPU through Vulkan/Metal/D3D12 first, then falls back to ' +
  'OpenGL ES on Mesa llvmpipe. On Debian/Ubuntu install the fallback with: ' +
  'apt-get install -y libegl1 libegl-dev libgles2 libegl-mesa0 libgl1-mesa-dri';

export class NoAdapterError extends Error {
  override name = 'NoAdapterError';
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

interface DawnModule {
  create(flags: string[]): GPU;
}

async function loadDawn(): Promise<DawnModule> {
  // EGL reads this when it first initializes; without it the OpenGL ES fallback finds no display.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  try {
    return (await import('webgpu')) as unknown as DawnModule;
  } catch (e) {
    throw new NoAdapterError(`the 'webgpu' package (Dawn for Node) could not be loaded: ${e instanceof Error ? e.message : String(e)}. Run npm install.`);
  }
}

/** A device on the preferred adapter; throws NoAdapterError with an install hint when there is none. */
export async function acquireGpu(preference: AdapterPreference = 'auto'): Promise<Gpu> {
  const dawn = await loadDawn();
  const attempts: { backend: AdapterDescription['backend']; flags: string[]; options: GPURequestAdapterOptions }[] = [];
  if (preference !== 'software') attempts.push({ backend: 'default', flags: [], options: { powerPreference: 'high-performance' } });
  if (preference !== 'hardware') attempts.push({ backend: 'opengles', flags: ['backend=opengles'], options: { featureLevel: 'compatibility' } });

  for (const attempt of attempts) {
    const gpu = dawn.create(attempt.flags);
    const adapter = await gpu.requestAdapter(attempt.options);
    if (!adapter || isNullBackend(adapter.info)) continue;
    const device = await adapter.requestDevice({ requiredLimits: wantedLimits(adapter.limits) });
    return new Gpu(gpu, device, describe(adapter.info, attempt.backend));
  }
  throw new NoAdapterError(preference === 'hardware' ? 'No hardware WebGPU adapter was found (Vulkan, Metal or D3D12).' : INSTALL_HINT);
}

/** Dawn's null backend returns garbage; it must never be used for results. */
function isNullBackend(info: GPUAdapterInfo): boolean {
  return /\bnull\b/i.test(`${info.device} ${info.description}`);
}

function wantedLimits(offered: GPUSupportedLimits): Record<string, number> {
  return Object.fromEntries(WANTED_LIMITS.map((name) => [name, offered[name]]));
}

function describe(info: GPUAdapterInfo, backend: AdapterDescription['backend']): AdapterDescription {
  const name = info.device || info.description || info.vendor || 'unknown adapter';
  return {
    name,
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    backend,
    featureLevel: backend === 'opengles' ? 'compatibility' : 'core',
    software: /llvmpipe|lavapipe|swiftshader|software/i.test(`${name} ${info.description}`),
  };
}

/** "llvmpipe-llvm-15-0-6-256-bits- (OpenGL ES, compatibility, software)". */
export function formatAdapter(adapter: AdapterDescription): string {
  const how = [adapter.backend === 'opengles' ? 'OpenGL ES' : null, adapter.featureLevel === 'compatibility' ? 'compatibility' : null, adapter.software ? 'software' : null];
  const details = how.filter((part) => part !== null).join(', ');
  return details ? `${adapter.name} (${details})` : adapter.name;
}
