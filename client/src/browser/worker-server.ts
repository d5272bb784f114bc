/** The browser build's language server: out/browser/language-worker.js in a Web Worker, LSP over postMessage. */
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { CLIENT_ID, CLIENT_NAME, missingServer, type ServerLauncher } from '../language-client.js';

export const WORKER_BUNDLE = 'out/browser/language-worker.js';

export function workerServer(extensionUri: vscode.Uri): ServerLauncher {
  const bundle = vscode.Uri.joinPath(extensionUri, WORKER_BUNDLE);
  let script: Promise<string> | undefined;
  let worker: Worker | undefined;
  return {
    description: `${WORKER_BUNDLE}, a Web Worker`,
    async createClient(options) {
      script ??= scriptUrl(bundle).catch((e: unknown) => {
        script = undefined;
        throw e;
      });
      const url = await script;
      // A restart stops the previous client first; its worker is then idle and goes.
      worker?.terminate();
      worker = new Worker(url, { name: 'cein language server' });
      return new LanguageClient(CLIENT_ID, CLIENT_NAME, worker, options);
    },
  };
}

/**
 * A URL the worker can start from. The web extension host refuses to start a worker from a
 * vscode-remote: URI (the extension's own location when a server installed it, as in
 * code-server), while its fetch resolves such URIs: so the script is fetched once and started
 * from a blob URL, which works wherever the extension lives.
 */
async function scriptUrl(bundle: vscode.Uri): Promise<string> {
  const where = bundle.toString(true);
  const response = await fetch(where).catch(() => undefined);
  if (!response?.ok) throw missingServer(where);
  return URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
}
