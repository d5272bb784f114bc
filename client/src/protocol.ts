/**
 * What the client and the language server say to each other beyond plain LSP: the commands the
 * server executes (workspace/executeCommand) and the JSON they answer with. The figures inside
 * are the engine's; the client only shows them.
 */
import type { Budget } from '../../server/src/engine/budget-text.js';
import type { Plan } from '../../server/src/engine/plan.js';
import type { PlanTotals } from '../../server/src/engine/totals.js';

export type { Plan, PlanStep, PlanTree } from '../../server/src/engine/plan.js';
export type { PlanTotals } from '../../server/src/engine/totals.js';

/** Commands the server executes; its code lenses invoke them with a LayerTarget. */
export const ServerCommands = {
  run: 'cein.run',
  bench: 'cein.bench',
  plan: 'cein.plan',
  torch: 'cein.torch',
} as const;

export type ServerCommand = (typeof ServerCommands)[keyof typeof ServerCommands];

/** Fits a `let` constant to a budget; not a layer command (its argument is a FitRequest). */
export const ServerFitCommand = 'cein.fit';

export interface FitRequest {
  readonly uri: string;
  readonly name: string;
  readonly budget: Budget;
}

/** The server's answer: the value (null when none fits), a sentence saying so, and the edit that writes it. */
export interface FitAnswer {
  readonly name: string;
  readonly value: number | null;
  readonly current: number | null;
  readonly message: string;
  readonly edit: { readonly range: { readonly start: LspPosition; readonly end: LspPosition }; readonly newText: string } | null;
}

interface LspPosition {
  readonly line: number;
  readonly character: number;
}

export function isServerLayerCommand(command: string): command is ServerCommand {
  return Object.values<string>(ServerCommands).includes(command);
}

export type LayerAction = 'run' | 'bench';

/** What a command acts on: a top-level layer, a network, or a layer of a network. */
export interface LayerTarget {
  readonly uri: string;
  readonly network?: string;
  readonly layer?: string;
}

export interface CommandFailure {
  readonly error: string;
}

export interface LayerPlanResult {
  readonly layer: string;
  readonly operands: readonly { readonly name: string; readonly shape: readonly number[] | null }[];
  readonly plan: Plan;
}

export interface NetworkPlanResult {
  readonly network: string;
  readonly layers: readonly { readonly layer: string; readonly plan: Plan }[];
  readonly totals: PlanTotals;
}

export type PlanResult = LayerPlanResult | NetworkPlanResult;

/** `cein.torch`: the layer or network as a Python file that needs only torch, and the name suggested for it. */
export interface TorchExportAnswer {
  readonly target: string;
  readonly fileName: string;
  readonly text: string;
}

/** Max abs error against the float64 reference, and that relative to max |reference|. */
export interface ErrorCheck {
  readonly maxAbsError: number;
  readonly relativeError: number;
  readonly maxAbsReference?: number;
  /** Whether the error is within the runtime's tolerance for f32. */
  readonly ok?: boolean;
}

/** A run as the client shows it (read from the server's answer by answers.ts). */
export interface RunReport {
  readonly layer: string;
  readonly backend: string;
  /** The adapter that ran, e.g. "llvmpipe (OpenGL ES, compatibility, software)". */
  readonly adapter?: string;
  readonly outputShape: readonly number[];
  readonly runMs: number;
  readonly check: ErrorCheck | null;
  /** Why another backend than the chosen one ran, if one did. */
  readonly notice?: string;
}

export type OrderName = 'optimal' | 'left-to-right' | 'rebuilt-kernel';

/** Timings of one evaluation order over the repeats, in milliseconds. */
export interface OrderTiming {
  readonly order: OrderName;
  /** The other orders that are the same plan as this one (measured once, shown as one). */
  readonly sameOrders?: readonly OrderName[];
  readonly macs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly gflops?: number;
}

/** A benchmark as the client shows it (read from the server's answer by answers.ts). */
export interface BenchReport {
  readonly layer: string;
  readonly backend: string;
  readonly adapter?: string;
  readonly repeats: number;
  readonly orders: readonly OrderTiming[];
  /** Per-step median times of the optimal plan, in plan step order. */
  readonly steps: readonly { readonly spec: string; readonly medianMs: number }[];
  readonly notice?: string;
}

export function isFailure(value: unknown): value is CommandFailure {
  return typeof value === 'object' && value !== null && typeof (value as CommandFailure).error === 'string';
}

export function isNetworkPlan(result: PlanResult): result is NetworkPlanResult {
  return 'network' in result && 'layers' in result;
}

export function isLayerTarget(value: unknown): value is LayerTarget {
  return typeof value === 'object' && value !== null && typeof (value as LayerTarget).uri === 'string';
}

/** "layer cp", "network resnet", "layer a of network resnet". */
export function describeTarget(target: LayerTarget): string {
  if (target.layer && target.network) return `layer ${target.layer} of network ${target.network}`;
  if (target.layer) return `layer ${target.layer}`;
  return `network ${target.network ?? '?'}`;
}
