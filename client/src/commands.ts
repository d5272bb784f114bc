/**
 * The palette commands, and the server's own commands (cein.run, cein.bench, cein.plan, cein.torch,
 * which its code lenses invoke) routed to the same handlers. A palette command acts on the layer at the
 * cursor; a lens names its layer.
 */
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient';
import { selectBackend, SELECT_BACKEND_COMMAND } from './backend.js';
import { fitConstant, FIT_CONSTANT_COMMAND } from './fit-command.js';
import type { CeinLanguageClient } from './language-client.js';
import type { LayerCommands } from './layer-commands.js';
import { targetAtCursor } from './layer-target.js';
import { isLayerTarget, isServerLayerCommand, ServerCommands, type LayerTarget } from './protocol.js';

export const PaletteCommands = {
  run: 'cein.runLayer',
  bench: 'cein.benchmarkLayer',
  showPlan: 'cein.showPlan',
  exportPlan: 'cein.exportPlan',
  exportTorch: 'cein.exportTorch',
  selectBackend: SELECT_BACKEND_COMMAND,
  restart: 'cein.restartServer',
  /** The server's "Fit NAME to a budget..." code action runs it with { uri, name }. */
  fitConstant: FIT_CONSTANT_COMMAND,
} as const;

export function registerCommands(layers: LayerCommands, server: CeinLanguageClient, output: vscode.LogOutputChannel): vscode.Disposable[] {
  /** A layer command takes its target as an argument (tests, keybindings) or from the cursor. */
  const onLayer = <R>(work: (target: LayerTarget, ...rest: unknown[]) => Promise<R>) =>
    async (given?: unknown, ...rest: unknown[]): Promise<R | undefined> => {
      if (isLayerTarget(given)) return work(given, ...rest);
      const found = await targetAtCursor(vscode.window.activeTextEditor);
      if ('problem' in found) {
        void vscode.window.showWarningMessage(`cein: ${found.problem}`);
        return undefined;
      }
      return work(found.target, ...rest);
    };

  return [
    vscode.commands.registerCommand(PaletteCommands.run, onLayer((target) => layers.run(target))),
    vscode.commands.registerCommand(PaletteCommands.bench, onLayer((target) => layers.benchmark(target))),
    vscode.commands.registerCommand(PaletteCommands.showPlan, onLayer((target) => layers.showPlan(target))),
    vscode.commands.registerCommand(
      PaletteCommands.exportPlan,
      onLayer((target, destination) => layers.exportPlan(target, destination instanceof vscode.Uri ? destination : undefined)),
    ),
    vscode.commands.registerCommand(PaletteCommands.exportTorch, onLayer((target) => layers.exportTorch(target))),
    vscode.commands.registerCommand(PaletteCommands.selectBackend, selectBackend),
    vscode.commands.registerCommand(PaletteCommands.restart, () => restart(server, output)),
    vscode.commands.registerCommand(PaletteCommands.fitConstant, (target?: unknown) => fitConstant(server, target)),
  ];
}

/**
 * The language client registers the server's commands itself and sends them straight to the
 * server; this middleware gives lens clicks the palette's progress, messages and views instead.
 */
export function lensCommands(layers: LayerCommands): Middleware {
  return {
    executeCommand: (command, args, next) => {
      const target: unknown = args[0];
      if (!isServerLayerCommand(command) || !isLayerTarget(target)) return next(command, args);
      if (command === ServerCommands.plan) return layers.showPlan(target);
      if (command === ServerCommands.torch) return layers.exportTorch(target);
      return layers.act(command === ServerCommands.run ? 'run' : 'bench', target);
    },
  };
}

async function restart(server: CeinLanguageClient, output: vscode.LogOutputChannel): Promise<void> {
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'cein: Restarting the language server', cancellable: false },
      () => server.restart(),
    );
    void vscode.window.showInformationMessage('cein: the language server restarted');
  } catch (e) {
    reportStartFailure(e, output);
  }
}

export function reportStartFailure(e: unknown, output: vscode.LogOutputChannel): void {
  const message = e instanceof Error ? e.message : String(e);
  output.error(message);
  void vscode.window.showErrorMessage(`cein: ${message}`, 'Show Log').then((choice) => choice && output.show());
}
