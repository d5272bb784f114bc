/**
 * Show plan, Run, Benchmark and PyTorch for one layer or network, as the code lenses, the toolbar
 * and the plan view's own buttons ask: the server does the work (cein.plan, cein.run, cein.bench,
 * cein.torch, as for the extension); this module shows its answers in the plan view and the
 * status line.
 */
import { ExecuteCommandRequest, WorkDoneProgress, type ProtocolConnection } from 'vscode-languageserver-protocol/browser';
import { readBenchAnswer, readRunAnswer, type BenchAnswer, type RunAnswer } from '../../client/src/answers.js';
import { describeTarget, isFailure, isNetworkPlan, ServerCommands, type LayerAction, type LayerTarget, type PlanResult, type TorchExportAnswer } from '../../client/src/protocol.js';
import { benchNotification, runSummary } from '../../client/src/reports.js';
import { download } from './download.js';
import type { PlanHost } from './plan-host.js';
import type { StatusLine } from './status-line.js';

export type Backend = 'auto' | 'webgpu' | 'cpu';

/** What the server's commands take: a layer or network by name, or the one at a position (0-based). */
export type PlanTarget = LayerTarget & { readonly position?: { readonly line: number; readonly character: number } };

/** The runtime settings sent after the target, as the extension sends its `cein.*` settings. */
export interface PlaygroundSettings {
  readonly backend: Backend;
  readonly benchmarkRepeats: number;
}

let progressTokens = 0;

export class LayerActions {
  /** The target the plan view shows, and its plan without timings (to tell a changed plan). */
  private shown: { readonly target: PlanTarget; readonly key: string } | undefined;
  private planning = 0;

  constructor(
    private readonly connection: ProtocolConnection,
    private readonly view: PlanHost,
    private readonly status: StatusLine,
    private readonly settings: () => PlaygroundSettings,
  ) {}

  /** The layer or network the view shows, by name. */
  get target(): LayerTarget | undefined {
    const target = this.shown?.target;
    return target && !target.position ? target : undefined;
  }

  /**
   * Plans the target and shows it, unless the view already shows this very plan. A target by
   * position (a layer with problems, which has no named target) shows what the server says of it.
   */
  async showPlan(target: PlanTarget): Promise<void> {
    const request = ++this.planning;
    const title = target.position ? `line ${target.position.line + 1}` : describeTarget(target);
    const sameTarget = this.shown !== undefined && JSON.stringify(this.shown.target) === JSON.stringify(target);
    if (!sameTarget) this.view.startOver({ type: 'loading', title });
    const answer = await this.execute(ServerCommands.plan, target).catch((e: unknown) => ({ error: messageOf(e) }));
    if (request !== this.planning) return;
    if (isFailure(answer)) {
      this.shown = { target, key: '' };
      this.view.startOver({ type: 'error', title, message: answer.error });
      return;
    }
    const result = answer as PlanResult;
    const key = planKey(result);
    if (sameTarget && this.shown?.key === key) return;
    this.shown = { target, key };
    this.view.startOver({ type: 'plan', title, result, runnable: !isNetworkPlan(result) });
  }

  async act(action: LayerAction, target: LayerTarget | undefined = this.target): Promise<void> {
    if (!target) return this.status.show('no layer to run here: put the cursor in a layer without problems', 'error');
    if (!target.layer) return this.status.show(`run a network layer by layer: put the cursor in one of its layers`, 'error');
    this.status.show(`${action === 'run' ? 'Running' : 'Benchmarking'} ${describeTarget(target)} (backend ${this.settings().backend})…`, 'busy');
    const answer = await this.execute(ServerCommands[action], target, (message) => this.status.show(message, 'busy')).catch((e: unknown) => ({ error: messageOf(e) }));
    if (isFailure(answer)) return this.status.show(`${describeTarget(target)}: ${answer.error}`, 'error');
    const showing = this.shown !== undefined && JSON.stringify(this.shown.target) === JSON.stringify(target);
    if (action === 'run') {
      const report = readRunAnswer(answer as RunAnswer, target);
      if (showing) this.view.add({ type: 'run', report });
      this.status.show([runSummary(report), report.notice].filter(Boolean).join('; '), report.check?.ok === false ? 'error' : 'ok');
    } else {
      const report = readBenchAnswer(answer as BenchAnswer, target);
      if (!showing) await this.showPlan(target);
      this.view.add({ type: 'benchmark', report });
      this.status.show([benchNotification(report), report.notice].filter(Boolean).join('; '), 'ok');
    }
  }

  /** The plan as JSON, downloaded. */
  async exportPlan(target: LayerTarget | undefined = this.target): Promise<void> {
    if (!target) return;
    const answer = await this.execute(ServerCommands.plan, target);
    if (isFailure(answer)) return this.status.show(answer.error, 'error');
    const name = target.layer ?? target.network ?? 'plan';
    download(`${name}.plan.json`, `${JSON.stringify(answer, null, 2)}\n`, 'application/json');
  }

  /** The layer or network as a PyTorch module, downloaded under the name the server gives it. */
  async exportTorch(target: LayerTarget): Promise<void> {
    const answer = await this.execute(ServerCommands.torch, target);
    if (isFailure(answer)) return this.status.show(answer.error, 'error');
    const { fileName, text } = answer as TorchExportAnswer;
    download(fileName, text, 'text/x-python');
    this.status.show(`${describeTarget(target)} exported as ${fileName}`, 'ok');
  }

  private async execute(command: string, target: PlanTarget, progress?: (message: string) => void): Promise<unknown> {
    const workDoneToken = `cein-playground-${++progressTokens}`;
    const listening = progress
      ? this.connection.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
          if (value.kind !== 'end' && value.message) progress(value.message);
        })
      : undefined;
    try {
      return await this.connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: [target, this.settings()], workDoneToken });
    } finally {
      listening?.dispose();
    }
  }
}

/** The plan without its timing, to tell a changed plan from the same one planned again. */
function planKey(result: PlanResult): string {
  return JSON.stringify(result, (key, value: unknown) => (key === 'planMs' ? undefined : value));
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
