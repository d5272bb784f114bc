/** The cein language server over stdio (or IPC), with the WebGPU runtime behind cein.run and cein.bench. */
import { NodeFileSystem } from 'langium/node';
import { startLanguageServer } from 'langium/lsp';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { ceinServiceRequirements, createCeinLanguageServer } from './lsp/cein-lsp-module.js';
import { GpuLayerRunner } from './lsp/gpu-runner.js';

const connection = createConnection(ProposedFeatures.all);
const { shared } = createCeinLanguageServer({ connection, ...NodeFileSystem }, { runner: new GpuLayerRunner(connection) });
startLanguageServer(shared, ceinServiceRequirements);
