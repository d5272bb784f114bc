/**
 * The runtime in a browser: a dedicated Web Worker (out/browser/runtime-worker.js) that runs the
 * same jobs as Node's WebGPU worker process (runtime/jobs/job-handler.ts) on the page's own
 * `navigator.gpu`, and the float64 CPU reference (`cpu` jobs) where there is no adapter. The
 * language worker starts it (worker-runner.ts); a page's thread never runs a plan.
 */
/// <reference types="@webgpu/types" />
import { createJobHandler } from '../runtime/jobs/job-handler.js';
import type { WorkerRequest } from '../runtime/jobs/protocol.js';
import { acquireGpuOn } from '../runtime/webgpu/device.js';

declare const self: DedicatedWorkerGlobalScope;

const handler = createJobHandler({
  // A browser without WebGPU has no navigator.gpu at all.
  acquire: (preference) => acquireGpuOn(self.navigator.gpu as GPU | undefined, preference),
  send: (message) => self.postMessage(message),
  exit: () => self.close(),
});

self.onmessage = (event: MessageEvent<WorkerRequest>) => void handler.handle(event.data);
