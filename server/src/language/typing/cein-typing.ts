/**
 * The typing service: one DocumentTypes per parse of a document (so per document version),
 * and the plans of its layers, made on demand within a time budget and cached with it.
 */
import { AstUtils, type AstNode } from 'langium';
import type { CancellationToken } from 'vscode-languageserver';
import type { Plan } from '../../engine/plan.js';
import { planExpression } from '../../engine/planner.js';
import { EngineError, hasErrors, type Problem } from '../../engine/problems.js';
import { CancelledError } from '../../engine/search.js';
import { sumPlans, type PlanTotals } from '../../engine/totals.js';
import type { CeinFile, Layer, Network } from '../generated/ast.js';
import { DocumentTypes, type LayerTypes } from './document-types.js';
import { DEFAULT_EDITOR_SETTINGS, sameEditorSettings, type EditorSettings } from './editor-settings.js';

/** A layer's plan, or the engine's reason why there is none (e.g. no order fits the memory cap). */
export type PlanOutcome = { readonly plan: Plan } | { readonly problem: Problem };

export type NetworkPlanOutcome =
  | { readonly plans: readonly Plan[]; readonly totals: PlanTotals }
  | { readonly unplanned: readonly Layer[] };

interface Typed {
  readonly types: DocumentTypes;
  readonly plans: Map<Layer, PlanOutcome>;
}

export class CeinTyping {
  private byRoot = new WeakMap<CeinFile, Typed>();
  private settings: EditorSettings = DEFAULT_EDITOR_SETTINGS;

  /** New editor settings: every plan is made again with them. Says whether they differ from the current ones. */
  useEditorSettings(settings: EditorSettings): boolean {
    if (sameEditorSettings(settings, this.settings)) return false;
    this.settings = settings;
    this.byRoot = new WeakMap();
    return true;
  }

  /** The editor's planning settings in force. */
  get editorSettings(): EditorSettings {
    return this.settings;
  }

  /** Drops what was computed for a document's AST; the next request types it again. */
  forget(root: CeinFile): void {
    this.byRoot.delete(root);
  }

  /** The types of the document that holds `node`. */
  typesOf(node: AstNode): DocumentTypes {
    return this.typed(node).types;
  }

  layerTypes(layer: Layer): LayerTypes | undefined {
    return this.typesOf(layer).layerOf(layer);
  }

  /**
   * The layer's plan; undefined while the layer has errors (or nothing to plan). Throws
   * nothing: cancellation gives undefined and is not cached.
   */
  planOf(layer: Layer, cancelToken?: CancellationToken): PlanOutcome | undefined {
    const typed = this.typed(layer);
    const cached = typed.plans.get(layer);
    if (cached) return cached;
    const types = typed.types.layerOf(layer);
    if (!types || cancelToken?.isCancellationRequested) return undefined;

    const abort = new AbortController();
    const subscription = cancelToken?.onCancellationRequested(() => abort.abort());
    try {
      const outcome = planLayer(types, this.settings, abort.signal);
      if (outcome) typed.plans.set(layer, outcome);
      return outcome;
    } catch (e) {
      if (e instanceof CancelledError) return undefined;
      throw e;
    } finally {
      subscription?.dispose();
    }
  }

  /** Plans of every layer of a network with their totals, or the layers that could not be planned. */
  networkPlan(network: Network, cancelToken?: CancellationToken): NetworkPlanOutcome | undefined {
    const layers = this.typesOf(network).networkOf(network)?.layers;
    if (!layers) return undefined;
    const plans: Plan[] = [];
    const unplanned: Layer[] = [];
    for (const { layer } of layers) {
      const outcome = this.planOf(layer, cancelToken);
      if (outcome && 'plan' in outcome) plans.push(outcome.plan);
      else unplanned.push(layer);
    }
    return unplanned.length > 0 ? { unplanned } : { plans, totals: sumPlans(plans) };
  }

  private typed(node: AstNode): Typed {
    const root = AstUtils.findRootNode(node) as CeinFile;
    let typed = this.byRoot.get(root);
    if (!typed) {
      typed = { types: new DocumentTypes(root), plans: new Map() };
      this.byRoot.set(root, typed);
    }
    return typed;
  }
}

/**
 * A typed layer's plan under the editor's settings (the layer's own options win); undefined while
 * the layer has errors. The engine's refusal (e.g. no order fits the memory cap) is the outcome's
 * problem; a cancellation throws CancelledError.
 */
export function planLayer(types: LayerTypes, settings: EditorSettings, signal?: AbortSignal): PlanOutcome | undefined {
  const analysis = types.analysis;
  if (!analysis?.analysis || hasErrors(analysis.problems)) return undefined;
  const { objective, memoryCap, budgetMs } = settings;
  const defaults = { ...(objective ? { objective } : {}), ...(memoryCap ? { memoryCap } : {}) };
  try {
    return { plan: planExpression(types.layer.expression, analysis.analysis.shapes, { ...defaults, ...types.planOptions, budgetMs, ...(signal ? { signal } : {}) }) };
  } catch (e) {
    if (e instanceof EngineError) return { problem: e.problems[0]! };
    throw e;
  }
}
