/**
 * The cein language server in a Web Worker: the same language module as the Node server,
 * spoken over the worker's postMessage. A page or VS Code for the Web starts it with
 * `new Worker(url)` and talks LSP to it.
 */
import { EmptyFileSystem } from 'langium';
import { startLanguageServer } from 'langium/lsp';
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { ceinServiceRequirements, createCeinLanguageServer } from '../lsp/cein-lsp-module.js';

declare const self: DedicatedWorkerGlobalScope;

const connection = createConnection(new BrowserMessageReader(self), new BrowserMessageWriter(self));
const { shared } = createCeinLanguageServer({ connection, ...EmptyFileSystem });
startLanguageServer(shared, ceinServiceRequirements);
