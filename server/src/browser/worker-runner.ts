/**
 * cein.run and cein.bench in a browser: the shared runner (lsp/runtime-runner.ts) with its jobs
 * in the runtime worker (runtime-client.ts), started on first use from the script the language
 * worker names.
 */
import type { Connection } from 'vscode-languageserver/browser';
import { RuntimeLayerRunner } from '../lsp/runtime-runner.js';
import { RuntimeWorkerClient } from './runtime-client.js';

export const RUNTIME_WORKER_SCRIPT = 'runtime-worker.js';

export class BrowserLayerRunner extends RuntimeLayerRunner {
  constructor(connection: Connection, script: () => string | URL) {
    const client = new RuntimeWorkerClient(script);
    super(connection, {
      run: (request, options) => client.run(request, options),
      bench: (request, options) => client.bench(request, options),
      runOnCpu: (request, options) => client.runOnCpu(request, options),
      noAdapterNotice: (e) => `${e.message}: ran on the CPU float64 reference`,
    });
  }
}
