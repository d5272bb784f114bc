/**
 * The "cein Plan" panel: one webview that shows the plan of one layer or network, follows edits of
 * its file, and adds the benchmark chart and the last run once they come. The view keeps its
 * target in the webview's state, so that a panel VS Code restores after a window reload shows the
 * same plan again.
 */
import * as vscode from 'vscode';
import { describeTarget, isLayerTarget, type BenchReport, type LayerAction, type LayerTarget, type PlanResult, type RunReport } from '../protocol.js';
import { planViewHtml, VIEW_ROOT } from './html.js';
import type { FromView, ToView } from './messages.js';

export const PLAN_VIEW_TYPE = 'cein.plan';
const REFRESH_DELAY_MS = 400;

/** What the panel asks of the rest of the extension. */
export interface PlanRequests {
  plan(target: LayerTarget, token: vscode.CancellationToken): Promise<PlanResult>;
  act(action: LayerAction, target: LayerTarget): Promise<unknown>;
  exportPlan(target: LayerTarget): Promise<unknown>;
}

export class PlanPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: LayerTarget | undefined;
  /** Everything the view shows, replayed whenever the webview (re)loads. */
  private state: ToView[] = [];
  private shownPlan: string | undefined;
  private planning: vscode.CancellationTokenSource | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly requests: PlanRequests,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.panel && this.target && e.document.uri.toString() === this.target.uri) this.scheduleRefresh();
      }),
    );
  }

  /** Opens (or reveals) the panel on the target and shows its plan. */
  async show(target: LayerTarget): Promise<void> {
    if (!this.isShowing(target)) this.shownPlan = undefined;
    this.target = target;
    this.open();
    void this.panel?.webview.postMessage({ type: 'target', target } satisfies ToView);
    await this.refresh();
  }

  async showBenchmark(target: LayerTarget, report: BenchReport): Promise<void> {
    if (!this.isShowing(target)) await this.show(target);
    this.post({ type: 'benchmark', report });
  }

  showRun(target: LayerTarget, report: RunReport): void {
    if (this.isShowing(target)) this.post({ type: 'run', report });
  }

  private isShowing(target: LayerTarget): boolean {
    return this.panel !== undefined && JSON.stringify(this.target) === JSON.stringify(target);
  }

  /**
   * Takes over a panel VS Code restored after a reload (its webview state holds the target) and
   * plans that target again; a panel with no usable state, or one beside an open panel, is closed.
   */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const target: unknown = typeof state === 'object' && state !== null ? (state as { target?: unknown }).target : undefined;
    if (this.panel || !isLayerTarget(target)) {
      panel.dispose();
      return;
    }
    this.target = target;
    this.adopt(panel);
    // The server plans the documents it knows: open this one (without an editor) in case it lies outside the workspace.
    await vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri)).then(undefined, () => undefined);
    await this.refresh();
  }

  private open(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(PLAN_VIEW_TYPE, 'cein Plan', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.webviewOptions());
    this.adopt(panel);
  }

  private webviewOptions(): vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, VIEW_ROOT)] };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    panel.webview.options = this.webviewOptions();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'images', 'icon.png');
    panel.webview.html = planViewHtml(panel.webview, this.extensionUri);
    panel.webview.onDidReceiveMessage((message: FromView) => this.receive(message));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.state = [];
      this.shownPlan = undefined;
      this.planning?.cancel();
    });
    this.panel = panel;
  }

  private receive(message: FromView): void {
    const target = this.target;
    if (message.type === 'ready') {
      if (target) void this.panel?.webview.postMessage({ type: 'target', target } satisfies ToView);
      this.state.forEach((m) => void this.panel?.webview.postMessage(m));
    }
    else if (target && message.type === 'action') void this.requests.act(message.action, target);
    else if (target && message.type === 'export') void this.requests.exportPlan(target);
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  private async refresh(): Promise<void> {
    const target = this.target;
    if (!target || !this.panel) return;
    this.planning?.cancel();
    const planning = (this.planning = new vscode.CancellationTokenSource());
    const title = describeTarget(target);
    this.panel.title = `cein Plan: ${target.layer ?? target.network ?? ''}`;
    if (this.state.length === 0) this.post({ type: 'loading', title });
    try {
      const result = await this.requests.plan(target, planning.token);
      if (planning.token.isCancellationRequested) return;
      const key = planKey(result);
      if (key === this.shownPlan) return;
      // A different plan makes earlier timings stale: the view starts over from it.
      this.shownPlan = key;
      this.state = [];
      this.post({ type: 'plan', title, result, runnable: target.layer !== undefined });
    } catch (e) {
      if (planning.token.isCancellationRequested) return;
      this.shownPlan = undefined;
      this.state = [];
      this.post({ type: 'error', title, message: e instanceof Error ? e.message : String(e) });
    }
  }

  private post(message: ToView): void {
    this.state.push(message);
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.planning?.cancel();
    this.panel?.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }
}

/** The plan without its timing, to tell a changed plan from the same one planned again. */
function planKey(result: PlanResult): string {
  return JSON.stringify(result, (key, value: unknown) => (key === 'planMs' ? undefined : value));
}
