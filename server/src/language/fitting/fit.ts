/**
 * Fitting a `let` constant to a budget: the largest value of the constant for which the target
 * layers meet every bound (params, compression, FLOPs, peak). The document is typed again per
 * value with the constant overridden (no reparse) and every target layer planned by the engine.
 *
 * Costs need not be monotone in a size: the FLOP-optimal order can change with it (and with it
 * the peak), and a size may enter as a divisor. So every value of the range is tried, not a
 * bisection: 1 up to the first value at which the factors hold as many elements as the dense
 * kernel they stand for, and are growing (beyond it a factorisation saves nothing), at most
 * `maxValue`, and
 * within a time limit (a scan cut short says so). Each value is planned once.
 */
import type { Budget, BudgetKind } from '../../engine/budget-text.js';
import type { Plan } from '../../engine/plan.js';
import { formatBytes, formatCount, formatPercent } from '../../engine/summary.js';
import { sumPlans, type PlanTotals } from '../../engine/totals.js';
import { isLayer, type CeinFile, type Layer, type Network, type SizeConstant } from '../generated/ast.js';
import { planLayer } from '../typing/cein-typing.js';
import { DocumentTypes } from '../typing/document-types.js';
import type { EditorSettings } from '../typing/editor-settings.js';
import { constantUses, layerLabel } from './constant-uses.js';

/** What must meet the budget: one layer, a network's layers, or every layer the constant reaches. */
export type FitTarget = { readonly layer: Layer } | { readonly network: Network } | 'reached';

export interface FitRequest {
  readonly root: CeinFile;
  readonly constant: SizeConstant;
  readonly target: FitTarget;
  readonly budget: Budget;
  readonly settings: EditorSettings;
  /** The largest value tried (default MAX_VALUE). */
  readonly maxValue?: number;
  /** Past this, the scan stops where it is (default 30 s). */
  readonly timeLimitMs?: number;
  readonly signal?: AbortSignal;
}

export interface Candidate {
  readonly value: number;
  /** The target's figures at this value (a network's totals: sums, peak the largest); absent when it cannot be planned. */
  readonly totals?: PlanTotals;
  /** Why the target cannot be planned at this value. */
  readonly problem?: string;
  /** The bounds this value exceeds. */
  readonly over: readonly BudgetKind[];
  readonly fits: boolean;
}

export interface FitResult {
  readonly name: string;
  /** The constant's value in the document. */
  readonly current: number | undefined;
  /** What must meet the budget: "layer cp", "network block", "the layers R reaches (a, b)". */
  readonly target: string;
  /** The target layers, e.g. ["cp", "a in network block"]. */
  readonly layers: readonly string[];
  readonly budget: Budget;
  /** Every value tried, from 1 up. */
  readonly candidates: readonly Candidate[];
  /**
   * Why the scan ended where it did: `dense` at the first value whose factors reach the dense
   * kernel's elements while growing, `max-value` at the cap, `time` cut short by the time limit.
   */
  readonly end: 'dense' | 'max-value' | 'time';
  /** Elements of the dense kernels of the layers where the constant sizes a factor, at the last value planned. */
  readonly denseParams: number | null;
  /** The largest value that fits; null when none does. */
  readonly best: Candidate | null;
}

/** A request that cannot be answered: the constant does not reach the target, a bound that does not apply. */
export class FitError extends Error {
  override name = 'FitError';
}

export const MAX_VALUE = 4096;
export const DEFAULT_TIME_LIMIT_MS = 30_000;
const BYTES_PER_F32 = 4;
/** The scan yields to the event loop this often, so a server stays responsive and a cancel arrives. */
const SLICE_MS = 50;

export async function fitConstant(request: FitRequest): Promise<FitResult> {
  const { root, constant, budget, settings } = request;
  const target = resolveTarget(request);
  const maxValue = request.maxValue ?? MAX_VALUE;
  const deadline = performance.now() + (request.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
  const baseline = new DocumentTypes(root);
  const knownProblems = new Set(baseline.problems.map((p) => p.message));

  const candidates: Candidate[] = [];
  let end: FitResult['end'] = 'max-value';
  let slice = performance.now();
  let previous: PlanTotals | undefined;
  for (let value = 1; value <= maxValue; value++) {
    if (value > 1 && performance.now() > deadline) {
      end = 'time';
      break;
    }
    if (performance.now() - slice > SLICE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      slice = performance.now();
    }
    request.signal?.throwIfAborted();
    const { candidate, plans } = evaluate(value, request, target.layers, knownProblems);
    candidates.push(candidate);
    if (!plans) continue;
    if (budget.compression !== undefined && candidate.totals?.compression === null) {
      const without = target.layers.filter((layer) => plans.get(layer)?.denseParams === null);
      throw new FitError(`${listed(without)} ${without.length === 1 ? 'has' : 'have'} no dense kernel (no data operand, or no factor), so a compression budget does not apply to ${target.description}; fit a layer with --layer`);
    }
    const fitted = sumPlans(target.fitted.map((layer) => plans.get(layer)!));
    const reached = reachesDense(fitted, previous);
    previous = fitted;
    if (reached) {
      end = 'dense';
      break;
    }
  }
  const best = [...candidates].reverse().find((c) => c.fits) ?? null;
  return { name: constant.name, current: baseline.constantValue(constant), target: target.description, layers: target.layers.map(layerLabel), budget, candidates, end, best, denseParams: previous?.denseParams ?? null };
}

interface Target {
  readonly layers: readonly Layer[];
  /** The target layers where the constant sizes a factor: their dense kernels end the range. */
  readonly fitted: readonly Layer[];
  readonly description: string;
}

/** Layers named in a description before the rest are counted. */
const NAMED_LAYERS = 6;

/** The layers the budget applies to; refuses a constant that does not reach them or sizes none of their factors. */
function resolveTarget({ root, constant, target }: FitRequest): Target {
  const uses = constantUses(root, constant);
  const name = constant.name;
  const layers = target === 'reached' ? uses.layers : 'layer' in target ? [target.layer] : target.network.statements.filter(isLayer);
  const one = target === 'reached' ? (layers.length === 1 ? layers[0] : undefined) : 'layer' in target ? target.layer : undefined;
  const description = one ? `layer ${layerLabel(one)}` : target === 'reached' ? `the layers ${name} reaches (${listed(layers)})` : `network ${(target as { network: Network }).network.name}`;
  if (!layers.some((layer) => uses.layers.includes(layer))) {
    throw new FitError(target === 'reached' ? `${name} is not used by any layer` : `${name} does not influence ${description}: no size or option of its operands depends on it`);
  }
  const fitted = layers.filter((layer) => uses.factorLayers.has(layer));
  if (fitted.length === 0) {
    throw new FitError(`${name} is not a size of any factor of ${description} (it sizes only data or options there); fitting needs a size of a weight or const`);
  }
  return { layers, fitted, description };
}

function listed(layers: readonly Layer[]): string {
  const more = layers.length - NAMED_LAYERS;
  return layers.slice(0, NAMED_LAYERS).map(layerLabel).join(', ') + (more > 0 ? ` and ${more} more` : '');
}

interface Evaluated {
  readonly candidate: Candidate;
  readonly plans?: ReadonlyMap<Layer, Plan>;
}

function evaluate(value: number, request: FitRequest, layers: readonly Layer[], knownProblems: ReadonlySet<string>): Evaluated {
  const types = new DocumentTypes(request.root, new Map([[request.constant, value]]));
  const plans = new Map<Layer, Plan>();
  for (const layer of layers) {
    const typed = types.layerOf(layer);
    const outcome = typed && planLayer(typed, request.settings, request.signal);
    if (!outcome) {
      const engineError = typed?.analysis?.problems.find((p) => p.severity === 'error');
      const typingError = types.problems.find((p) => p.severity === 'error' && !knownProblems.has(p.message));
      const reason = typingError?.message ?? engineError?.message ?? 'it has problems';
      return { candidate: { value, problem: `layer ${layerLabel(layer)}: ${reason}`, over: [], fits: false } };
    }
    if ('problem' in outcome) return { candidate: { value, problem: `layer ${layerLabel(layer)}: ${outcome.problem.message}`, over: [], fits: false } };
    plans.set(layer, outcome.plan);
  }
  const totals = sumPlans([...plans.values()]);
  const over = exceeded(totals, request.budget);
  return { candidate: { value, totals, over, fits: over.length === 0 }, plans };
}

/**
 * The end of the range: the factors hold at least the dense kernel's elements and are not
 * shrinking (a size that divides, e.g. `let G = 24 / R`, can start above the dense kernel and fall).
 */
function reachesDense(totals: PlanTotals, previous: PlanTotals | undefined): boolean {
  const factors = (t: PlanTotals) => t.params + t.constElements;
  return previous !== undefined && totals.denseParams !== null && factors(totals) >= totals.denseParams && factors(totals) >= factors(previous);
}

function exceeded(totals: PlanTotals, budget: Budget): BudgetKind[] {
  const over: BudgetKind[] = [];
  if (budget.params !== undefined && totals.params > budget.params) over.push('params');
  if (budget.compression !== undefined && (totals.compression === null || totals.compression > budget.compression)) over.push('compression');
  if (budget.flops !== undefined && totals.flops > budget.flops) over.push('flops');
  if (budget.peakBytes !== undefined && totals.peakElements * BYTES_PER_F32 > budget.peakBytes) over.push('peakBytes');
  return over;
}

/** The candidates around the answer (or, with none, the first ones): `radius` values either side. */
export function nearbyCandidates(result: FitResult, radius = 3): readonly Candidate[] {
  const at = result.best ? result.candidates.indexOf(result.best) : 0;
  return result.candidates.slice(Math.max(0, at - radius), at + radius + 1);
}

/** "params ≤ 200,000 and FLOPs ≤ 1.000G". */
export function budgetText(budget: Budget): string {
  const parts: string[] = [];
  if (budget.params !== undefined) parts.push(`params ≤ ${formatCount(budget.params)}`);
  if (budget.compression !== undefined) parts.push(`compression ≤ ${formatPercent(budget.compression)}`);
  if (budget.flops !== undefined) parts.push(`FLOPs ≤ ${formatCount(budget.flops)}`);
  if (budget.peakBytes !== undefined) parts.push(`peak ≤ ${formatBytes(budget.peakBytes)}`);
  return parts.join(' and ');
}
