/**
 * cein.run and cein.bench in Node: the jobs run in the WebGPU worker process (a hung or lost
 * device never takes the server down), and the CPU reference in a worker thread. What the
 * runner answers is runtime-runner.ts's, shared with the browser.
 */
import type { Connection } from 'vscode-languageserver';
import { runOnCpu } from '../runtime/jobs/cpu-run.js';
import { benchLayer, runLayer } from '../runtime/jobs/worker-client.js';
import { RuntimeLayerRunner, type LayerJobs } from './runtime-runner.js';

const nodeJobs: LayerJobs = {
  run: runLayer,
  bench: benchLayer,
  runOnCpu,
  noAdapterNotice: (e) => `no WebGPU adapter, so it ran on the CPU (float64 reference). ${e.message}`,
};

export class GpuLayerRunner extends RuntimeLayerRunner {
  constructor(connection: Connection) {
    super(connection, nodeJobs);
  }
}
