/** How problems reach a terminal: the message, then the expression with a caret under the culprit. */
import type { Problem } from '../engine/problems.js';

export function formatProblem(expression: string, problem: Problem): string {
  const head = `${problem.severity}[${problem.code}]: ${problem.message}`;
  if (!problem.range) return head;
  const { start, end } = problem.range;
  const caret = ' '.repeat(start) + '^'.repeat(Math.max(1, end - start));
  return `${head}\n  ${expression}\n  ${caret}`;
}

export function formatProblems(expression: string, problems: readonly Problem[]): string {
  return problems.map((p) => formatProblem(expression, p)).join('\n');
}
