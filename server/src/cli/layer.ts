/** Turns the shared layer flags into planner options, and runs engine calls so that problems print with carets. */
import type { PlanOptions } from '../engine/planner.js';
import { EngineError, type Problem } from '../engine/problems.js';
import { analyze, type Analysis } from '../engine/shapes.js';
import type { Objective } from '../engine/options.js';
import { checkOperandRange, parseConvFlags, parseFlags, parseOperandList, parsePositive, parsePositiveInteger, UsageError, type ConvFlags } from './arguments.js';
import { ExpressionError } from './exit.js';

export interface LayerFlags extends ConvFlags {
  readonly expr: string;
  readonly objective?: Objective;
  readonly memoryCap?: string;
  readonly requiresGrad?: string;
  readonly data?: string;
  readonly budget?: string;
  readonly json?: boolean;
}

export function planOptions(flags: LayerFlags): PlanOptions {
  return {
    conv: parseConvFlags(flags),
    objective: flags.objective ?? 'flops',
    ...(flags.memoryCap !== undefined ? { memoryCap: parsePositiveInteger('--memory-cap', flags.memoryCap) } : {}),
    ...(flags.requiresGrad !== undefined ? { requiresGrad: parseFlags('--requires-grad', flags.requiresGrad) } : {}),
    ...(flags.data !== undefined ? { dataOperands: parseOperandList('--data', flags.data) } : {}),
    ...(flags.budget !== undefined ? { budgetMs: parsePositive('--budget', flags.budget) } : {}),
  };
}

/** Runs an engine call; engine problems become an ExpressionError that prints carets under the expression. */
export function forExpression<T>(expression: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof EngineError) throw new ExpressionError(expression, e);
    throw e;
  }
}

/** Analysis of the layer, or an ExpressionError listing its problems; warnings come back alongside. */
export function analyzeLayer(expression: string, shapes: readonly (readonly number[])[], options: PlanOptions): { analysis: Analysis; warnings: readonly Problem[] } {
  const result = analyze(expression, shapes, options.conv ?? {});
  if (!result.analysis) throw new ExpressionError(expression, new EngineError(result.problems));
  const operands = result.analysis.terms.length;
  if (options.requiresGrad && options.requiresGrad.length !== operands) {
    throw new UsageError(`--requires-grad gives ${options.requiresGrad.length} flag${options.requiresGrad.length === 1 ? '' : 's'} but the expression has ${operands} operands; give one 1/0 per operand`);
  }
  if (options.dataOperands) checkOperandRange('--data', options.dataOperands, operands);
  return { analysis: result.analysis, warnings: result.problems };
}
