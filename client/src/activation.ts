/**
 * The cein extension, whatever starts its server: the language client, the layer commands, the
 * status bar and the plan view. The Node entry (extension.ts) and the browser entry
 * (browser/extension.ts) differ only in the launcher they pass.
 */
import * as vscode from 'vscode';
import { BackendStatus } from './backend.js';
import { lensCommands, registerCommands, reportStartFailure } from './commands.js';
import { CeinLanguageClient, type ServerLauncher } from './language-client.js';
import { LayerCommands } from './layer-commands.js';
import { PLAN_VIEW_TYPE } from './webview/plan-panel.js';

export async function activateCein(context: vscode.ExtensionContext, launcher: ServerLauncher): Promise<void> {
  const output = vscode.window.createOutputChannel('cein', { log: true });
  const status = new BackendStatus();
  const server = new CeinLanguageClient(launcher, output);
  const layers = new LayerCommands(context.extensionUri, server, output, status);
  const started = server.start(lensCommands(layers)).catch((e: unknown) => reportStartFailure(e, output));
  context.subscriptions.push(
    output,
    status,
    layers,
    server,
    ...registerCommands(layers, server, output),
    // A plan view open before a window reload comes back on the same target, once the server can plan it.
    vscode.window.registerWebviewPanelSerializer(PLAN_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => {
        await started;
        await layers.restorePlan(panel, state);
      },
    }),
  );
  await started;
}
