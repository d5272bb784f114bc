/**
 * WebGPU in Node through Dawn's bindings (the `webgpu` package, loaded on demand so that nothing
 * else pays for it): the only module that imports Dawn. It hands Dawn's `GPU` objects to
 * device.ts, which the browser shares with `navigator.gpu`. Used by the WebGPU worker process,
 * the CLI's in-process paths, the benchmarks and the tests.
 */
/// <reference types="@webgpu/types" />
import { acquireGpuFrom, type AdapterAttempt, type AdapterPreference, type Gpu, NoAdapterError } from './device.js';

export const INSTALL_HINT =
  'No WebGPU adapter was found. cein looks for a GPU through Vulkan/Metal/D3D12 first, then falls back to ' +
  'OpenGL ES on Mesa llvmpipe. On Debian/Ubuntu install the fallback with: ' +
  'apt-get install -y libegl1 libegl-dev libgles2 libegl-mesa0 libgl1-mesa-dri';

export interface DawnModule {
  create(flags: string[]): GPU;
  /** WebGPU's constants and classes (GPUBufferUsage, ...), for code written against a browser's globals. */
  readonly globals: object;
}

export async function loadDawn(): Promise<DawnModule> {
  // EGL reads this when it first initializes; without it the OpenGL ES fallback finds no display.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  try {
    return (await import('webgpu')) as unknown as DawnModule;
  } catch (e) {
    throw new NoAdapterError(`the 'webgpu' package (Dawn for Node) could not be loaded: ${e instanceof Error ? e.message : String(e)}. Run npm install.`);
  }
}

/**
 * Dawn's GPU objects, one per set of flags, kept for the life of the process. Dawn crashes the
 * process (or hangs it) when the garbage collector finalizes one while anything of it is still
 * in flight, e.g. a run that outlived its device; a kept object is never finalized, and a
 * process whose devices are all destroyed still exits.
 */
const instances = new Map<string, GPU>();

function dawnGpu(dawn: DawnModule, flags: string[]): GPU {
  const key = flags.join(' ');
  let gpu = instances.get(key);
  if (!gpu) instances.set(key, (gpu = dawn.create(flags)));
  return gpu;
}

/** A device on the preferred adapter: Dawn's default backends, then OpenGL ES on llvmpipe; NoAdapterError with an install hint when there is none. */
export async function acquireGpu(preference: AdapterPreference = 'auto'): Promise<Gpu> {
  const dawn = await loadDawn();
  const attempts: AdapterAttempt[] = [];
  if (preference !== 'software') attempts.push({ gpu: () => dawnGpu(dawn, []), options: { powerPreference: 'high-performance' }, backend: 'default' });
  if (preference !== 'hardware') attempts.push({ gpu: () => dawnGpu(dawn, ['backend=opengles']), options: { featureLevel: 'compatibility' }, backend: 'opengles' });
  return acquireGpuFrom(attempts, preference === 'hardware' ? 'No hardware WebGPU adapter was found (Vulkan, Metal or D3D12).' : INSTALL_HINT);
}
