/** Exit codes: 0 success, 1 a failed run or check, 2 bad input (usage or expression problems). */
import { EngineError } from '../engine/problems.js';
import { UsageError } from './arguments.js';
import { formatProblems } from './report.js';

export class ExpressionError extends Error {
  constructor(readonly expression: string, readonly engineError: EngineError) {
    super(engineError.message);
  }
}

export async function exitWith(work: Promise<number> | number): Promise<void> {
  try {
    process.exitCode = await work;
  } catch (e) {
    if (e instanceof ExpressionError) {
      process.stderr.write(`${formatProblems(e.expression, e.engineError.problems)}\n`);
      process.exitCode = 2;
    } else if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof EngineError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    }
  }
}
