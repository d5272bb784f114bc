/**
 * What a runtime worker does with a request, whatever carries the messages (a Node child
 * process, a browser's dedicated worker): one device kept across jobs, acquired on first use
 * and again when the adapter preference changes; a lost device reported, then the worker ends,
 * so that the next job starts a fresh one.
 */
import type { AdapterPreference, Gpu } from '../webgpu/device.js';
import { benchLayerJob } from './bench-layer.js';
import { runCpuJob } from './cpu-job.js';
import { serializeError, type WorkerMessage, type WorkerRequest } from './protocol.js';
import { runLayerJob } from './run-layer.js';
import type { LayerInputs, Progress } from './types.js';

export interface JobHost {
  /** A device on the preferred adapter, or NoAdapterError. */
  acquire(preference: AdapterPreference): Promise<Gpu>;
  send(message: WorkerMessage): void;
  /** Ends the worker (after a lost device). */
  exit(): void;
  /** Reads operands a request names as files; a host without files leaves them, and the job refuses them. */
  readFiles?(inputs: LayerInputs): LayerInputs;
}

export interface JobHandler {
  handle(message: WorkerRequest): Promise<void>;
  /** Releases the device. */
  release(): Promise<void>;
}

export function createJobHandler(host: JobHost): JobHandler {
  let current: { gpu: Gpu; preference: AdapterPreference } | null = null;
  const readFiles = host.readFiles ?? ((inputs: LayerInputs) => inputs);

  async function gpuFor(preference: AdapterPreference): Promise<Gpu> {
    if (current?.preference === preference) return current.gpu;
    const previous = current?.gpu;
    current = null;
    await previous?.release();
    const gpu = await host.acquire(preference);
    current = { gpu, preference };
    void gpu.lost.then((info) => {
      if (current?.gpu !== gpu || info.reason === 'destroyed') return;
      host.send({ type: 'device-lost', message: `the WebGPU device was lost (${info.reason}): ${info.message || 'no message'}` });
      host.exit();
    });
    return gpu;
  }

  async function handle(message: WorkerRequest): Promise<void> {
    const { id } = message;
    const progress = (p: Progress) => host.send({ id, type: 'progress', progress: p });
    try {
      const inputs = readFiles(message.request.inputs);
      if (message.kind === 'cpu') {
        host.send({ id, type: 'result', result: runCpuJob({ ...message.request, inputs }) });
        return;
      }
      const gpu = await gpuFor(message.request.adapter ?? 'auto');
      const result = message.kind === 'run' ? await runLayerJob(gpu, { ...message.request, inputs }, progress) : await benchLayerJob(gpu, { ...message.request, inputs }, progress);
      host.send({ id, type: 'result', result });
    } catch (e) {
      host.send({ id, type: 'error', error: serializeError(e) });
    }
  }

  return {
    handle,
    async release() {
      const gpu = current?.gpu;
      current = null;
      await gpu?.release();
    },
  };
}
