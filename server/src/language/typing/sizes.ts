/**
 * Integer size arithmetic: `let R = S / 4`, `input X[B, S, 32, 32]`. Division must be exact, so
 * a channel count never silently rounds. Each problem is reported once, where it arises;
 * anything that depends on a broken size is simply unknown (undefined).
 */
import type { AstNode } from 'langium';
import { isCountableSize, SIZE_LIMIT_REASON } from '../../engine/exact.js';
import { isBinaryExpression, isConstantReference, isNegatedExpression, isNumberLiteral, type SizeConstant, type SizeExpression } from '../generated/ast.js';
import type { TypingProblem } from './typing-problem.js';

export class SizeEvaluator {
  private readonly values = new Map<SizeConstant, number | undefined>();
  private readonly inProgress = new Set<SizeConstant>();

  constructor(private readonly report: (problem: TypingProblem) => void) {}

  constant(constant: SizeConstant): number | undefined {
    if (this.values.has(constant)) return this.values.get(constant);
    this.inProgress.add(constant);
    const value = this.evaluate(constant.value);
    this.inProgress.delete(constant);
    this.values.set(constant, value);
    return value;
  }

  evaluate(expression: SizeExpression | undefined): number | undefined {
    if (!expression) return undefined;
    // A literal is shown as written: beyond 2^53 its value is already rounded.
    if (isNumberLiteral(expression)) return this.checked(expression.value, expression, expression.$cstNode?.text);
    if (isConstantReference(expression)) {
      const target = expression.constant.ref;
      if (!target) return undefined;
      if (this.inProgress.has(target)) {
        this.error(expression, 'cyclic-constant', `${target.name} is defined in terms of itself`);
        return undefined;
      }
      return this.constant(target);
    }
    if (isNegatedExpression(expression)) {
      const value = this.evaluate(expression.operand);
      return value === undefined ? undefined : -value;
    }
    if (isBinaryExpression(expression)) {
      const left = this.evaluate(expression.left);
      const right = this.evaluate(expression.right);
      if (left === undefined || right === undefined) return undefined;
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
