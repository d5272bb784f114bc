/**
 * The hook between the editor commands `cein.run` / `cein.bench` and a runtime. A runtime
 * implements LayerRunner and is passed to createCeinLanguageServer (see main.ts); without one,
 * the commands answer that no runtime is available.
 */
import type { CancellationToken } from 'vscode-languageserver';
import type { Plan } from '../engine/plan.js';
import type { PlanOptions } from '../engine/planner.js';

export interface LayerRunRequest {
  /** run: execute once and check against the reference; bench: time repeated runs. */
  readonly kind: 'run' | 'bench';
  readonly layer: string;
  readonly expression: string;
  /** In expression order, with the shapes the plan was made for. */
  readonly operands: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly options: PlanOptions;
  readonly plan: Plan;
  /** The editor's runtime settings, as the client sent them (defaults where it sent none). */
  readonly runtime: RuntimeSettings;
}

export interface RuntimeSettings {
  readonly backend: 'auto' | 'webgpu' | 'cpu';
  /** Timed repeats per plan in a benchmark. */
  readonly repeats?: number;
  /** What was wrong with a setting and what is used instead, for the client to show. */
  readonly notice?: string;
}

/** cein.benchmarkRepeats' range in the extension's manifest (package.json). */
export const REPEATS_RANGE = { min: 1, max: 1000 } as const;

/** Reads the settings argument a client sends after the target; anything malformed falls back to the defaults. */
export function readRuntimeSettings(value: unknown): RuntimeSettings {
  const settings = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const backend = settings.backend === 'webgpu' || settings.backend === 'cpu' ? settings.backend : 'auto';
  const repeats = settings.benchmarkRepeats;
  if (repeats === undefined) return { backend };
  if (typeof repeats !== 'number' || !Number.isFinite(repeats)) {
    return { backend, notice: `cein.benchmarkRepeats ${JSON.stringify(repeats)} is not a number; using the default` };
  }
  const clamped = Math.min(REPEATS_RANGE.max, Math.max(REPEATS_RANGE.min, Math.round(repeats)));
  if (clamped === repeats) return { backend, repeats };
  return { backend, repeats: clamped, notice: `cein.benchmarkRepeats ${repeats} is outside ${REPEATS_RANGE.min}..${REPEATS_RANGE.max}; using ${clamped}` };
}

export interface LayerRunner {
  /** The answer goes back to the client as the command's result; it must be plain JSON. */
  run(request: LayerRunRequest, cancelToken: CancellationToken): Promise<unknown>;
}
