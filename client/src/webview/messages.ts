/** Messages between the extension and the "cein Plan" webview. Both sides import this file. */
import type { BenchReport, LayerAction, LayerTarget, PlanResult, RunReport } from '../protocol.js';

export type ToView =
  /** What the panel shows; the view keeps it as its state, for the panel restored after a reload. */
  | { readonly type: 'target'; readonly target: LayerTarget }
  | { readonly type: 'loading'; readonly title: string }
  | { readonly type: 'plan'; readonly title: string; readonly result: PlanResult; readonly runnable: boolean }
  | { readonly type: 'error'; readonly title: string; readonly message: string }
  | { readonly type: 'run'; readonly report: RunReport }
  | { readonly type: 'benchmark'; readonly report: BenchReport };

export type FromView =
  | { readonly type: 'ready' }
  | { readonly type: 'action'; readonly action: LayerAction }
  | { readonly type: 'export' };
