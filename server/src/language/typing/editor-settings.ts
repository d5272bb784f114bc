/**
 * The editor's planning settings (cein.objective, cein.memoryCap, cein.plannerBudgetMs): the
 * defaults for every layer, which a layer's own `objective` and `cap` override.
 */
import { OBJECTIVES, type Objective } from '../../engine/options.js';

export interface EditorSettings {
  readonly objective?: Objective;
  /** Largest intermediate allowed, in elements. */
  readonly memoryCap?: number;
  /** The planner's search budget; past it, the best heuristic order is shown. */
  readonly budgetMs: number;
}

export const DEFAULT_EDITOR_SETTINGS: EditorSettings = { budgetMs: 250 };

/** Reads the `cein` settings section; a missing or malformed value keeps its default. */
export function readEditorSettings(section: unknown): EditorSettings {
  const value = (typeof section === 'object' && section !== null ? section : {}) as Record<string, unknown>;
  const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;
  // flops is the planner's own default, so it is left out: the same settings read the same.
  const objective = (OBJECTIVES as readonly unknown[]).includes(value.objective) && value.objective !== 'flops' ? (value.objective as Objective) : undefined;
  return {
    ...(objective ? { objective } : {}),
    ...(positive(value.memoryCap) ? { memoryCap: value.memoryCap } : {}),
    budgetMs: positive(value.plannerBudgetMs) ? value.plannerBudgetMs : DEFAULT_EDITOR_SETTINGS.budgetMs,
  };
}

export function sameEditorSettings(a: EditorSettings, b: EditorSettings): boolean {
  return a.objective === b.objective && a.memoryCap === b.memoryCap && a.budgetMs === b.budgetMs;
}
