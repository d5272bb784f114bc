/**
 * How problems reach a terminal: the message, then the expression with a caret under the culprit.
 * The report stays small whatever the input: at most MAX_SHOWN problems, and a long expression
 * is shown as a window around the culprit, so its size is linear in neither count nor length.
 */
import type { Problem } from '../engine/problems.js';

const MAX_SHOWN = 20;
/** Characters of the expression shown either side of the culprit when it is long. */
const CONTEXT = 40;
const MAX_MESSAGE = 300;

export function formatProblem(expression: string, problem: Problem): string {
  const message = problem.message.length > MAX_MESSAGE ? `${problem.message.slice(0, MAX_MESSAGE)}…` : problem.message;
  const head = `${problem.severity}[${problem.code}]: ${message}`;
  if (!problem.range) return head;
  const { start, end } = problem.range;
  const from = Math.max(0, start - CONTEXT);
  const to = Math.min(expression.length, Math.max(end, start + 1) + CONTEXT);
  const before = from > 0 ? '…' : '';
  const after = to < expression.length ? '…' : '';
  const caretEnd = Math.min(end, to);
  const caret = ' '.repeat(before.length + start - from) + '^'.repeat(Math.max(1, caretEnd - start));
  return `${head}\n  ${before}${expression.slice(from, to)}${after}\n  ${caret}`;
}

export function formatProblems(expression: string, problems: readonly Problem[]): string {
  const shown = problems.slice(0, MAX_SHOWN).map((p) => formatProblem(expression, p));
  const more = problems.length - MAX_SHOWN;
  if (more > 0) shown.push(`... and ${more} more problem${more === 1 ? '' : 's'} (${problems.filter((p) => p.severity === 'error').length} errors in all)`);
  return shown.join('\n');
}
