import type { AstNode } from 'langium';

/** Something wrong that typing found while evaluating sizes, shapes or options, and where. */
export interface TypingProblem {
  readonly code: TypingProblemCode;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly node: AstNode;
  readonly property?: string;
  readonly index?: number;
}

export type TypingProblemCode =
  | 'non-positive-size'
  | 'division-by-zero'
  | 'inexact-division'
  | 'size-too-large'
  | 'cyclic-constant'
  | 'used-before-computed'
  | 'invalid-option'
  | 'duplicate-option'
  | 'too-many-operands';
