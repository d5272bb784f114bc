/** The cein language server over stdio. */
import { NodeFileSystem } from 'langium/node';
import { startLanguageServer } from 'langium/lsp';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createCeinLanguageServer } from './lsp/cein-lsp-module.js';

const connection = createConnection(ProposedFeatures.all);
const { shared } = createCeinLanguageServer({ connection, ...NodeFileSystem });
startLanguageServer(shared);
