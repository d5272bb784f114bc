/**
 * The WebGPU worker process (bundled as out/gpu-worker.cjs and started by GpuWorker). It keeps
 * one device across jobs and runs one job at a time. A lost device is reported and the process
 * exits, so the next job starts a fresh one.
 */
import { acquireGpu, type AdapterPreference, type Gpu } from '../webgpu/device.js';
import { benchLayerJob } from './bench-layer.js';
import { serializeError, type WorkerMessage, type WorkerRequest } from './protocol.js';
import { runLayerJob } from './run-layer.js';
import type { Progress } from './types.js';

let current: { gpu: Gpu; preference: AdapterPreference } | null = null;

async function gpuFor(preference: AdapterPreference): Promise<Gpu> {
  if (current?.preference === preference) return current.gpu;
  current?.gpu.release();
  current = null;
  const gpu = await acquireGpu(preference);
  current = { gpu, preference };
  void gpu.lost.then((info) => {
    if (current?.gpu !== gpu || info.reason === 'destroyed') return;
    send({ type: 'device-lost', message: `the WebGPU device was lost (${info.reason}): ${info.message || 'no message'}` });
    process.exit(1);
  });
  return gpu;
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function handle(message: WorkerRequest): Promise<void> {
  const { id } = message;
  const progress = (p: Progress) => send({ id, type: 'progress', progress: p });
  try {
    const gpu = await gpuFor(message.request.adapter ?? 'auto');
    const result = message.kind === 'run' ? await runLayerJob(gpu, message.request, progress) : await benchLayerJob(gpu, message.request, progress);
    send({ id, type: 'result', result });
  } catch (e) {
    send({ id, type: 'error', error: serializeError(e) });
  }
}

process.on('message', (message: WorkerRequest) => void handle(message));
process.on('disconnect', () => {
  current?.gpu.release();
  process.exit(0);
});
