/**
 * The cein language server in a Web Worker: the same language module as the Node server,
 * spoken over the worker's postMessage. A page or VS Code for the Web starts it with
 * `new Worker(url)` and talks LSP to it. Run and Benchmark go to the runtime worker, a nested
 * worker started from the script beside this one on first use.
 */
import { EmptyFileSystem } from 'langium';
import { startLanguageServer } from 'langium/lsp';
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { ceinServiceRequirements, createCeinLanguageServer } from '../lsp/cein-lsp-module.js';
import { BrowserLayerRunner, RUNTIME_WORKER_SCRIPT } from './worker-runner.js';

declare const self: DedicatedWorkerGlobalScope;

const connection = createConnection(new BrowserMessageReader(self), new BrowserMessageWriter(self));
const runner = new BrowserLayerRunner(connection, new URL(RUNTIME_WORKER_SCRIPT, self.location.href));
const { shared } = createCeinLanguageServer({ connection, ...EmptyFileSystem }, { runner });
startLanguageServer(shared, ceinServiceRequirements);
