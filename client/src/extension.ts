/** The cein extension: the language client, the layer commands, the status bar and the plan view. */
import * as vscode from 'vscode';
import { BackendStatus } from './backend.js';
import { lensCommands, registerCommands, reportStartFailure } from './commands.js';
import { CeinLanguageClient } from './language-client.js';
import { LayerCommands } from './layer-commands.js';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('cein', { log: true });
  const status = new BackendStatus();
  const server = new CeinLanguageClient(context, output);
  const layers = new LayerCommands(context.extensionUri, server, output, status);
  context.subscriptions.push(output, status, layers, server, ...registerCommands(layers, server, output));
  await server.start(lensCommands(layers)).catch((e: unknown) => reportStartFailure(e, output));
}

export function deactivate(): void {}
