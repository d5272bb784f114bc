/**
 * The browser build's language server: out/browser/language-worker.js in a Web Worker, LSP over
 * postMessage. Run and Benchmark run in the runtime worker (out/browser/runtime-worker.js) that the
 * language worker starts; the client tells it where that script is (initializationOptions.runtimeWorker),
 * since a worker started by the web extension host cannot find the files beside its own script.
 */
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { CLIENT_ID, CLIENT_NAME, missingServer, type ServerLauncher } from '../language-client.js';

export const WORKER_BUNDLE = 'out/browser/language-worker.js';
export const RUNTIME_BUNDLE = 'out/browser/runtime-worker.js';

export function workerServer(extensionUri: vscode.Uri): ServerLauncher {
  const server = once(() => scriptUrl(vscode.Uri.joinPath(extensionUri, WORKER_BUNDLE)));
  const runtime = once(() => scriptUrl(vscode.Uri.joinPath(extensionUri, RUNTIME_BUNDLE)).catch(() => undefined));
  let worker: Worker | undefined;
  return {
    description: `${WORKER_BUNDLE}, a Web Worker`,
    async createClient(options) {
      const [serverUrl, runtimeUrl] = await Promise.all([server(), runtime()]);
      // A restart stops the previous client first; its worker is then idle and goes.
      worker?.terminate();
      worker = new Worker(serverUrl, { name: 'cein language server' });
      const initializationOptions: unknown = { ...options.initializationOptions, runtimeWorker: runtimeUrl };
      return new LanguageClient(CLIENT_ID, CLIENT_NAME, worker, { ...options, initializationOptions });
    },
  };
}

/**
 * A URL a worker can start from. The web extension host refuses to start a worker from a
 * vscode-remote: URI (the extension's own location when a server installed it, as in
 * code-server), and a worker may not start from another origin (vscode.dev serves extensions from
 * their own); its fetch resolves both. So the script is fetched once and started from a blob URL,
 * which works wherever the extension lives.
 */
async function scriptUrl(bundle: vscode.Uri): Promise<string> {
  const where = bundle.toString(true);
  const response = await fetch(where).catch(() => undefined);
  if (!response?.ok) throw missingServer(where);
  return URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
}

/** `make` called once, its promise kept; a failure is forgotten, so that a restart tries again. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= make().catch((e: unknown) => {
      made = undefined;
      throw e;
    }));
}
