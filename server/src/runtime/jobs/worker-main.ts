/**
 * The WebGPU worker process (bundled as out/gpu-worker.cjs and started by GpuWorker): Dawn's
 * device behind the shared job handler, one job at a time. A lost device is reported and the
 * process exits, so the next job starts a fresh one.
 */
import { acquireGpu } from '../webgpu/dawn.js';
import { readInputFiles } from './input-files.js';
import { createJobHandler } from './job-handler.js';
import type { WorkerRequest } from './protocol.js';

const handler = createJobHandler({
  acquire: acquireGpu,
  send: (message) => process.send?.(message),
  exit: () => process.exit(1),
  readFiles: readInputFiles,
});

process.on('message', (message: WorkerRequest) => void handler.handle(message));
process.on('disconnect', () => {
  // The parent is gone: release the device cleanly, but never outlive it by more than a moment.
  setTimeout(() => process.exit(0), 2000).unref();
  void handler.release().finally(() => process.exit(0));
});
