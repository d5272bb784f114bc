/**
 * A peer for bench:runtime: TensorFlow.js's WebGPU backend on the same Dawn adapter, timed side
 * by side with cein on the same inputs (matmul, a 3x3 conv2d, the CP and Tucker layers written
 * as TensorFlow.js ops in the order of cein's plan), each output checked against cein's.
 *
 * TensorFlow.js finds WebGPU through `navigator.gpu`, which Node lacks: it is set from the
 * `webgpu` package (Dawn) before the backend loads, with `featureLevel: 'compatibility'` added to
 * its adapter request when cein runs on the OpenGL ES fallback (llvmpipe), so that both reach
 * the same adapter. A run is timed from the first op to the device finishing, like cein's.
 */
/// <reference types="@webgpu/types" />
import type * as Tf from '@tensorflow/tfjs-core';
import { shuffled, timing } from '../server/src/runtime/jobs/bench-layer.js';
import type { Timing } from '../server/src/runtime/jobs/types.js';
import { seededRandom } from '../server/src/runtime/random.js';
import { loadDawn } from '../server/src/runtime/webgpu/dawn.js';
import type { AdapterDescription } from '../server/src/runtime/webgpu/device.js';

export interface TfjsPeer {
  readonly tf: typeof Tf;
  readonly version: string;
  readonly adapter: string;
  /** Time from the first op to the device finishing, in milliseconds; the result is disposed. */
  readonly time: (run: () => Tf.Tensor) => Promise<number>;
}

/** The backend's internals that flush its recorded work (TensorFlow.js has no public call for it). */
interface TfjsWebGpuBackend {
  readonly device: GPUDevice;
  readonly commandEncoder: GPUCommandEncoder | null;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/** TensorFlow.js on the adapter cein runs on; null (with the reason printed) when it cannot start. */
export async function loadTfjsPeer(adapter: AdapterDescription): Promise<TfjsPeer | null> {
  try {
    const dawn = await loadDawn();
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create(adapter.backend === 'opengles' ? ['backend=opengles'] : []);
    const compatibility = adapter.featureLevel === 'compatibility';
    const requestAdapter = (options?: GPURequestAdapterOptions) => gpu.requestAdapter(compatibility ? { ...options, featureLevel: 'compatibility' } : options);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: { requestAdapter, getPreferredCanvasFormat: () => 'rgba8unorm' } }, configurable: true });
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not start');
    await tf.ready();
    const backend = tf.backend() as unknown as TfjsWebGpuBackend;
    const version = tf.version_core;
    const time = async (run: () => Tf.Tensor) => {
      const started = performance.now();
      const result = tf.tidy(run);
      backend.endComputePassEncoder();
      if (backend.commandEncoder) backend.submitQueue();
      await backend.device.queue.onSubmittedWorkDone();
      const ms = performance.now() - started;
      result.dispose();
      return ms;
    };
    return { tf, version, adapter: (await gpu.requestAdapter(compatibility ? { featureLevel: 'compatibility' } : {}))?.info.description ?? '?', time };
  } catch (e) {
    console.log(`  TensorFlow.js WebGPU not run: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

/** Runners timed side by side: warm-up runs each, then rounds in a seeded order that changes every round. */
export async function timeSideBySide(runners: readonly (() => Promise<number>)[], rounds: number, warmup = 2): Promise<Timing[]> {
  for (const run of runners) for (let w = 0; w < warmup; w++) await run();
  const samples: number[][] = runners.map(() => []);
  const random = seededRandom(17);
  for (let r = 0; r < rounds; r++) for (const i of shuffled(runners.length, random)) samples[i]!.push(await runners[i]!());
  return samples.map(timing);
}

/** Max |a - b| over max |b|: how far TensorFlow.js's output lies from cein's (same layout); Infinity when the sizes differ or cein's output is all zeros. */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return a.length === b.length && scale > 0 ? worst / scale : Infinity;
}
