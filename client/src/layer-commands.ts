/**
 * Run, Benchmark, Show Contraction Tree, Export Plan and Export as PyTorch Module for one layer
 * (or network), whether started from the
 * command palette (the layer at the cursor) or from a code lens (the layer the server named).
 * The server does the work; this module adds progress, cancellation, workspace trust and shows
 * the answers.
 */
import * as vscode from 'vscode';
import { readBenchAnswer, readRunAnswer, type BenchAnswer, type RunAnswer } from './answers.js';
import type { BackendStatus } from './backend.js';
import type { CeinLanguageClient } from './language-client.js';
import {
  describeTarget,
  isFailure,
  ServerCommands,
  type BenchReport,
  type LayerAction,
  type LayerTarget,
  type PlanResult,
  type RunReport,
  type TorchExportAnswer,
} from './protocol.js';
import { benchNotification, benchTable, runNotification, runSummary } from './reports.js';
import { readSettings, type Settings } from './settings.js';
import { mayWrite, OVERWRITE, torchDestination } from './torch-file.js';
import { PlanPanel, type PlanRequests } from './webview/plan-panel.js';

/** The arguments the client sends: the target, then the user's settings for the runtime. */
type CommandArguments = [target: LayerTarget, settings: Settings];

const ACTION_TITLES: Record<LayerAction, string> = { run: 'Running', bench: 'Benchmarking' };

export class LayerCommands implements PlanRequests, vscode.Disposable {
  private readonly panel: PlanPanel;

  constructor(
    extensionUri: vscode.Uri,
    private readonly server: CeinLanguageClient,
    private readonly output: vscode.LogOutputChannel,
    private readonly status: BackendStatus,
  ) {
    this.panel = new PlanPanel(extensionUri, this);
  }

  act(action: LayerAction, target: LayerTarget): Promise<RunReport | BenchReport | undefined> {
    return action === 'run' ? this.run(target) : this.benchmark(target);
  }

  /** Runs the layer once; answers the report, or undefined when it failed or was refused. */
  async run(target: LayerTarget): Promise<RunReport | undefined> {
    const answer = await this.perform<RunAnswer>('run', target);
    if (!answer) return undefined;
    const report = readRunAnswer(answer, target);
    this.status.ran(report);
    this.output.info(runSummary(report));
    if (report.notice) this.output.warn(report.notice);
    this.panel.showRun(target, report);
    const show = report.check?.ok === false ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(`cein: ${runNotification(report)}`);
    return report;
  }

  /** Times the layer's evaluation orders; the chart goes to the plan view. */
  async benchmark(target: LayerTarget): Promise<BenchReport | undefined> {
    const answer = await this.perform<BenchAnswer>('bench', target);
    if (!answer) return undefined;
    const report = readBenchAnswer(answer, target);
    this.status.ran(report);
    benchTable(report).forEach((line) => this.output.info(line));
    if (report.notice) this.output.warn(report.notice);
    await this.panel.showBenchmark(target, report);
    void vscode.window.showInformationMessage(`cein: ${benchNotification(report)}`);
    return report;
  }

  private async perform<T>(action: LayerAction, target: LayerTarget): Promise<T | undefined> {
    if (!vscode.workspace.isTrusted) {
      await refuseUntrusted();
      return undefined;
    }
    const title = `cein: ${ACTION_TITLES[action]} ${describeTarget(target)} (backend ${readSettings().backend})`;
    return this.request<T>(title, ServerCommands[action], target);
  }

  /** The plan of a layer or network, straight from the server. */
  async plan(target: LayerTarget, token?: vscode.CancellationToken): Promise<PlanResult> {
    const answer = await this.server.execute<unknown>(ServerCommands.plan, this.argumentsFor(target), token);
    if (isFailure(answer)) throw new Error(answer.error);
    return answer as PlanResult;
  }

  async showPlan(target: LayerTarget): Promise<void> {
    await this.panel.show(target);
  }

  /** The plan view VS Code brings back after a window reload. */
  restorePlan(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    return this.panel.restore(panel, state);
  }

  /** Writes the plan as JSON; asks where unless told. Answers the file written. */
  async exportPlan(target: LayerTarget, destination?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const answer = await this.request<PlanResult>(`cein: Planning ${describeTarget(target)}`, ServerCommands.plan, target);
    if (answer === undefined) return undefined;
    const name = 'layer' in answer ? answer.layer : answer.network;
    const file =
      destination ??
      (await vscode.window.showSaveDialog({
        title: `Export the plan of ${describeTarget(target)}`,
        defaultUri: vscode.Uri.joinPath(vscode.Uri.parse(target.uri), '..', `${name}.plan.json`),
        filters: { JSON: ['json'] },
      }));
    if (!file) return undefined;
    const written = await writeText(file, `${JSON.stringify(answer, null, 2)}\n`);
    if (written !== undefined) return this.fail(`${ServerCommands.plan} ${describeTarget(target)}`, written);
    this.output.info(`plan of ${describeTarget(target)} written to ${whereIs(file)}`);
    void vscode.window.showInformationMessage(`cein: plan of ${describeTarget(target)} written to ${vscode.workspace.asRelativePath(file)}`);
    return file;
  }

  /**
   * Writes the layer or network as a PyTorch module next to its .cein file (asking before it
   * replaces a file) and opens it. Answers the file written.
   */
  async exportTorch(target: LayerTarget): Promise<vscode.Uri | undefined> {
    const answer = await this.request<TorchExportAnswer>(`cein: Exporting ${describeTarget(target)} to PyTorch`, ServerCommands.torch, target);
    if (answer === undefined) return undefined;
    const what = `${ServerCommands.torch} ${describeTarget(target)}`;
    const cein = vscode.Uri.parse(target.uri);
    const destination = torchDestination(cein, answer.fileName);
    if ('problem' in destination) return this.fail(what, destination.problem);
    const file = cein.with({ path: destination.path, query: '', fragment: '' });
    const exists = await vscode.workspace.fs.stat(file).then(
      () => true,
      () => false,
    );
    const question = `${vscode.workspace.asRelativePath(file)} exists. Replace it with the PyTorch module of ${describeTarget(target)}?`;
    if (!(await mayWrite(exists, () => vscode.window.showWarningMessage(question, { modal: true }, OVERWRITE)))) return undefined;
    const written = await writeText(file, answer.text);
    if (written !== undefined) return this.fail(what, written);
    this.output.info(`PyTorch module of ${describeTarget(target)} written to ${whereIs(file)}`);
    await vscode.window.showTextDocument(file);
    return file;
  }

  /** One server command under a cancellable progress notification; failures become messages. */
  private async request<T>(title: string, command: string, target: LayerTarget): Promise<T | undefined> {
    const what = `${command} ${describeTarget(target)}`;
    let cancelled = false;
    try {
      const answer = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => (cancelled = true));
        let done = 0;
        return this.server.execute<unknown>(command, this.argumentsFor(target), token, (message, percentage) => {
          const increment = percentage === undefined ? undefined : Math.max(0, percentage - done);
          done = percentage ?? done;
          progress.report({ message, increment });
        });
      });
      if (cancelled) {
        this.output.info(`${what}: cancelled`);
        return undefined;
      }
      if (isFailure(answer)) return this.fail(what, answer.error);
      return answer as T;
    } catch (e) {
      if (cancelled || isCancellation(e)) {
        this.output.info(`${what}: cancelled`);
        return undefined;
      }
      return this.fail(what, e instanceof Error ? e.message : String(e));
    }
  }

  private fail(what: string, message: string): undefined {
    this.output.error(`${what}: ${message}`);
    void vscode.window.showErrorMessage(`cein: ${message}`);
    return undefined;
  }

  private argumentsFor(target: LayerTarget): CommandArguments {
    return [target, readSettings()];
  }

  dispose(): void {
    this.panel.dispose();
  }
}

/**
 * Writes through VS Code's file system, so that a remote or virtual workspace (vscode.dev) is
 * written as well as a local one. Answers why it could not, or undefined once written.
 */
async function writeText(file: vscode.Uri, text: string): Promise<string | undefined> {
  try {
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
    return undefined;
  } catch (e) {
    return `could not write ${whereIs(file)}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** A file as the log names it: its path on this machine, or its URI elsewhere. */
function whereIs(file: vscode.Uri): string {
  return file.scheme === 'file' ? file.fsPath : file.toString(true);
}

async function refuseUntrusted(): Promise<void> {
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(
    'cein: Run and Benchmark are disabled in an untrusted workspace: they execute the layer on this machine. Trust the workspace to use them.',
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
}

/** A request the user cancelled: the LSP RequestCancelled error, or VS Code's own. */
function isCancellation(e: unknown): boolean {
  return e instanceof vscode.CancellationError || (typeof e === 'object' && e !== null && (e as { code?: unknown }).code === -32800);
}
