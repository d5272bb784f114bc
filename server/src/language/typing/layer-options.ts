/**
 * A layer's options block read into the engine's terms: conv options per index, the planning
 * objective and the memory cap. Malformed values are reported and left out, so the engine only
 * ever sees well-formed options.
 */
import { isPaddingMode, OBJECTIVES, PADDING_MODES, type ConvOptions, type ConvOptionsMap, type Objective, type Padding } from '../../engine/options.js';
import { isCapOption, isIndexOptions, isObjectiveOption, type ConvSetting, type Layer } from '../generated/ast.js';
import type { SizeEvaluator } from './sizes.js';
import type { TypingProblem } from './typing-problem.js';

export interface LayerSettings {
  readonly conv: ConvOptionsMap;
  readonly objective?: Objective;
  /** Largest intermediate allowed, in elements. */
  readonly memoryCap?: number;
}

export function readLayerSettings(layer: Layer, sizes: SizeEvaluator, report: (problem: TypingProblem) => void): LayerSettings {
  const conv: Record<string, ConvOptions> = {};
  let objective: Objective | undefined;
  let memoryCap: number | undefined;
  const duplicate = (node: TypingProblem['node'], message: string) => report({ code: 'duplicate-option', severity: 'error', message, node });

  for (const entry of layer.options?.entries ?? []) {
    if (isIndexOptions(entry)) {
      if (!entry.index) continue;
      if (entry.index in conv) duplicate(entry, `the options of index ${entry.index} are given twice`);
      const options: Record<string, unknown> = { ...conv[entry.index] };
      for (const setting of entry.settings) {
        if (setting.key in options) duplicate(setting, `${setting.key} of ${entry.index} is given twice`);
        const value = readSetting(setting, entry.index, sizes, report);
        if (value !== undefined) options[setting.key] = value;
      }
      conv[entry.index] = options as ConvOptions;
    } else if (isObjectiveOption(entry)) {
      if (objective !== undefined) duplicate(entry, 'the objective is given twice');
      if ((OBJECTIVES as readonly string[]).includes(entry.objective)) {
        objective = entry.objective as Objective;
      } else if (entry.objective) {
        report({ code: 'invalid-option', severity: 'error', message: `objective "${entry.objective}" is not one of: ${OBJECTIVES.join(', ')}`, node: entry, property: 'objective' });
      }
    } else if (isCapOption(entry)) {
      if (memoryCap !== undefined) duplicate(entry, 'the memory cap is given twice');
      memoryCap = sizes.evaluateAtLeast(entry.value, 1, 'the memory cap');
    }
  }
  return { conv, ...(objective ? { objective } : {}), ...(memoryCap !== undefined ? { memoryCap } : {}) };
}

function readSetting(setting: ConvSetting, index: string, sizes: SizeEvaluator, report: (problem: TypingProblem) => void): number | Padding | string | undefined {
  switch (setting.key) {
    case 'stride':
    case 'dilation':
      return sizes.evaluateAtLeast(setting.value, 1, `${setting.key} of ${index}`);
    case 'padding': {
      const padding = setting.padding;
      if (!padding) return undefined;
      if (padding.named) return { kind: padding.named };
      const lo = sizes.evaluateAtLeast(padding.lo, 0, `padding of ${index}`);
      const hi = padding.hi ? sizes.evaluateAtLeast(padding.hi, 0, `padding of ${index}`) : lo;
      return lo === undefined || hi === undefined ? undefined : { kind: 'explicit', lo, hi };
    }
    case 'mode':
      if (setting.mode && isPaddingMode(setting.mode)) return setting.mode;
      if (setting.mode) {
        report({ code: 'invalid-option', severity: 'error', message: `padding mode "${setting.mode}" is not one of: ${PADDING_MODES.join(', ')}`, node: setting, property: 'mode' });
      }
      return undefined;
  }
}
