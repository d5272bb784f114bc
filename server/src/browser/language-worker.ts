/**
 * The cein language server in a Web Worker: the same language module as the Node server,
 * spoken over the worker's postMessage. A page or VS Code for the Web starts it with
 * `new Worker(url)` and talks LSP to it. Run and Benchmark go to the runtime worker, a nested
 * worker started on first use from `initializationOptions.runtimeWorker` when the client gives
 * it (VS Code for the Web starts workers from blob URLs, which have no folder beside them), else
 * from the script beside this one.
 */
import { EmptyFileSystem } from 'langium';
import { startLanguageServer } from 'langium/lsp';
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { ceinServiceRequirements, createCeinLanguageServer } from '../lsp/cein-lsp-module.js';
import { BrowserLayerRunner, RUNTIME_WORKER_SCRIPT } from './worker-runner.js';

declare const self: DedicatedWorkerGlobalScope;

const connection = createConnection(new BrowserMessageReader(self), new BrowserMessageWriter(self));
let runtimeScript: string | URL | undefined;
const runner = new BrowserLayerRunner(connection, () => (runtimeScript ??= new URL(RUNTIME_WORKER_SCRIPT, self.location.href)));
const { shared } = createCeinLanguageServer({ connection, ...EmptyFileSystem }, { runner });
shared.lsp.LanguageServer.onInitialize((params) => {
  const given = (params.initializationOptions as { runtimeWorker?: unknown } | undefined)?.runtimeWorker;
  if (typeof given === 'string') runtimeScript = given;
});
startLanguageServer(shared, ceinServiceRequirements);
