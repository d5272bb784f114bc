/** The cein extension where VS Code runs on Node (the desktop, a remote server): the server is a child process. */
import type * as vscode from 'vscode';
import { activateCein } from './activation.js';
import { nodeServer } from './node-server.js';

export function activate(context: vscode.ExtensionContext): Promise<void> {
  return activateCein(context, nodeServer(context.extensionUri));
}

export function deactivate(): void {}
