/**
 * Integer size arithmetic: `let R = S / 4`, `input X[B, S, 32, 32]`. Division must be exact, so
 * a channel count never silently rounds. Each problem is reported once, where it arises;
 * anything that depends on a broken size is simply unknown (undefined).
 */
import type { AstNode } from 'langium';
import { isCountableSize, SIZE_LIMIT_REASON } from '../../engine/exact.js';
import { isBinaryExpression, isConstantReference, isNegatedExpression, isNumberLiteral, type BinaryExpression, type ConstantReference, type NegatedExpression, type SizeConstant, type SizeExpression } from '../generated/ast.js';
import type { TypingProblem } from './typing-problem.js';

/**
 * One step of an evaluation. Evaluation runs on an explicit stack, not by recursion: constants
 * defined in terms of later constants chain as deep as the file is long.
 */
type Task =
  | { readonly kind: 'evaluate'; readonly expression: SizeExpression | undefined }
  | { readonly kind: 'apply'; readonly expression: NegatedExpression | BinaryExpression }
  | { readonly kind: 'define'; readonly constant: SizeConstant };

export class SizeEvaluator {
  private readonly values = new Map<SizeConstant, number | undefined>();
  private readonly inProgress = new Set<SizeConstant>();

  /** `overrides` gives some constants a value in place of their definition (fitting tries values this way). */
  constructor(
    private readonly report: (problem: TypingProblem) => void,
    overrides: ReadonlyMap<SizeConstant, number> = new Map(),
  ) {
    for (const [constant, value] of overrides) this.values.set(constant, value);
  }

  constant(constant: SizeConstant): number | undefined {
    if (this.values.has(constant)) return this.values.get(constant);
    this.inProgress.add(constant);
    return this.run([{ kind: 'define', constant }, { kind: 'evaluate', expression: constant.value }]);
  }

  evaluate(expression: SizeExpression | undefined): number | undefined {
    return this.run([{ kind: 'evaluate', expression }]);
  }

  /** Runs the tasks (last first); each evaluation leaves its value on the stack of results. */
  private run(tasks: Task[]): number | undefined {
    const results: (number | undefined)[] = [];
    while (tasks.length > 0) {
      const task = tasks.pop()!;
      if (task.kind === 'define') {
        this.inProgress.delete(task.constant);
        this.values.set(task.constant, results.at(-1));
      } else if (task.kind === 'apply') {
        const expression = task.expression;
        if (isNegatedExpression(expression)) {
          const value = results.pop();
          results.push(value === undefined ? undefined : -value);
        } else {
          const right = results.pop();
          const left = results.pop();
          results.push(left === undefined || right === undefined ? undefined : this.binary(expression, left, right));
        }
      } else {
        const expression = task.expression;
        // A literal is shown as written: beyond 2^53 its value is already rounded.
        if (isNumberLiteral(expression)) results.push(this.checked(expression.value, expression, expression.$cstNode?.text));
        else if (isConstantReference(expression)) this.reference(expression, tasks, results);
        else if (isNegatedExpression(expression)) tasks.push({ kind: 'apply', expression }, { kind: 'evaluate', expression: expression.operand });
        else if (isBinaryExpression(expression)) tasks.push({ kind: 'apply', expression }, { kind: 'evaluate', expression: expression.right }, { kind: 'evaluate', expression: expression.left });
        else results.push(undefined);
      }
    }
    return results.pop();
  }

  private reference(expression: ConstantReference, tasks: Task[], results: (number | undefined)[]): void {
    const target = expression.constant.ref;
    if (!target) {
      results.push(undefined);
    } else if (this.values.has(target)) {
      results.push(this.values.get(target));
    } else if (this.inProgress.has(target)) {
      this.error(expression, 'cyclic-constant', `${target.name} is defined in terms of itself`);
      results.push(undefined);
    } else {
      this.inProgress.add(target);
      tasks.push({ kind: 'define', constant: target }, { kind: 'evaluate', expression: target.value });
    }
  }

  private binary(expression: BinaryExpression, left: number, right: number): number | undefined {
    switch (expression.operator) {
      case '+':
        return this.checked(left + right, expression);
      case '-':
        return this.checked(left - right, expression);
      case '*':
        return this.checked(left * right, expression);
      case '/':
        if (right === 0) {
          this.error(expression, 'division-by-zero', 'division by zero');
          return undefined;
        }
        if (left % right !== 0) {
          this.error(expression, 'inexact-division', `${left} / ${right} is not a whole number; sizes divide exactly`);
          return undefined;
        }
        return left / right;
    }
    return undefined;
  }

  /** A size that must be at least `least` (1 for sizes, strides and caps; 0 for padding). */
  evaluateAtLeast(expression: SizeExpression | undefined, least: number, what: string): number | undefined {
    const value = this.evaluate(expression);
    if (value === undefined || !expression) return undefined;
    if (value < least) {
      const rule = least === 1 ? 'must be positive' : `must be at least ${least}`;
      this.error(expression, 'non-positive-size', `${what} is ${value}; it ${rule}`);
      return undefined;
    }
    return value;
  }

  /**
   * Every operand is below 2^53 in magnitude, so a sum, difference or product below 2^53 in
   * magnitude is exact and one that is not lands at 2^53 or beyond, rounding being monotone (see
   * engine/exact.ts): checking the result suffices.
   */
  private checked(value: number, node: AstNode, shown: string = String(value)): number | undefined {
    if (isCountableSize(Math.abs(value))) return value;
    const reason = value < 0 ? 'below -(2^53 - 1), beyond the sizes cein can count exactly' : SIZE_LIMIT_REASON;
    this.error(node, 'size-too-large', `${shown} is ${reason}`);
    return undefined;
  }


  private error(node: AstNode, code: TypingProblem['code'], message: string): void {
    this.report({ code, severity: 'error', message, node });
  }
}
