/** The Node build's language server: the bundled out/server.cjs as a child process over IPC. */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import { CLIENT_ID, CLIENT_NAME, missingServer, type ServerLauncher } from './language-client.js';

export const SERVER_BUNDLE = 'out/server.cjs';

export function nodeServer(extensionUri: vscode.Uri): ServerLauncher {
  const module = vscode.Uri.joinPath(extensionUri, SERVER_BUNDLE).fsPath;
  return {
    description: `${module}, a child process`,
    async createClient(options) {
      if (!existsSync(module)) throw missingServer(module);
      const serverOptions: ServerOptions = {
        run: { module, transport: TransportKind.ipc },
        debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
      };
      return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, options);
    },
  };
}
