/**
 * The backend: the `cein.backend` setting, a picker for it, and a status bar item that shows the
 * chosen backend and, once something ran, the adapter that ran it.
 */
import * as vscode from 'vscode';
import { backendText } from './reports.js';
import { readSettings, setBackend, type Backend } from './settings.js';

export const SELECT_BACKEND_COMMAND = 'cein.selectBackend';

const CHOICES: readonly (vscode.QuickPickItem & { backend: Backend })[] = [
  { backend: 'auto', label: 'auto', description: 'WebGPU when an adapter is found, else the CPU' },
  { backend: 'webgpu', label: 'webgpu', description: 'WebGPU only: a GPU, or the software fallback (llvmpipe)' },
  { backend: 'cpu', label: 'cpu', description: 'the float64 CPU reference executor' },
];

export async function selectBackend(): Promise<Backend | undefined> {
  const current = readSettings().backend;
  const picked = await vscode.window.showQuickPick(
    CHOICES.map((choice) => ({ ...choice, picked: choice.backend === current, detail: choice.backend === current ? 'current' : undefined })),
    { title: 'cein: Select Backend', placeHolder: `where Run and Benchmark execute (now: ${current})` },
  );
  if (picked) await setBackend(picked.backend);
  return picked?.backend;
}

/** "WebGPU · llvmpipe-llvm-15-0-6-…": the status bar has room for the adapter's name only. */
function shortBackendText(report: { backend: string; adapter?: string }): string {
  const backend = backendText({ backend: report.backend });
  if (!report.adapter) return backend;
  const name = report.adapter.split(' (')[0]!;
  return `${backend} · ${name.length > 20 ? `${name.slice(0, 19)}…` : name}`;
}

export class BackendStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('cein.backend', vscode.StatusBarAlignment.Right, 100);
  private lastRan: { backend: string; adapter?: string } | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.item.name = 'cein backend';
    this.item.command = SELECT_BACKEND_COMMAND;
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cein.backend')) {
          this.lastRan = undefined;
          this.update();
        }
      }),
    );
    this.update();
  }

  /** Called with every run or benchmark answer: it names what actually ran. */
  ran(report: { backend: string; adapter?: string }): void {
    this.lastRan = report;
    this.update();
  }

  private update(): void {
    const chosen = readSettings().backend;
    this.item.text = `$(circuit-board) cein: ${this.lastRan ? shortBackendText(this.lastRan) : chosen}`;
    this.item.tooltip = new vscode.MarkdownString(
      `**cein backend**: \`${chosen}\`` +
        (this.lastRan ? `\n\nlast run on ${backendText(this.lastRan)}` : '\n\nnothing has run yet') +
        '\n\nClick to select the backend.',
    );
    if (vscode.window.activeTextEditor?.document.languageId === 'cein') this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }
}
