/** A half-open character range [start, end) inside the expression string. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

export type Severity = 'error' | 'warning';

/** One thing wrong with an expression, its shapes or its options. */
export interface Problem {
  readonly code: ProblemCode;
  readonly severity: Severity;
  readonly message: string;
  /** Where in the expression string the problem sits, when it sits in the string. */
  readonly range?: TextRange;
  /** Zero-based operand number, when the problem belongs to one operand. */
  readonly operand?: number;
  /** Name of the conv index an option problem belongs to. */
  readonly index?: string;
}

export type ProblemCode =
  // notation
  | 'empty-expression'
  | 'unexpected-character'
  | 'unclosed-name'
  | 'empty-name'
  | 'invalid-name'
  | 'ellipsis-unsupported'
  | 'missing-arrow'
  | 'duplicate-arrow'
  | 'duplicate-bar'
  | 'empty-conv-list'
  | 'output-index-repeated'
  | 'output-index-unknown'
  | 'conv-index-repeated'
  | 'conv-index-unknown'
  | 'conv-index-repeated-in-term'
  | 'conv-index-single-operand'
  // shapes
  | 'operand-count'
  | 'rank-mismatch'
  | 'non-positive-size'
  | 'size-too-large'
  | 'size-mismatch'
  | 'conv-output-empty'
  | 'conv-index-diagonal'
  // options
  | 'option-unknown-index'
  | 'option-not-conv'
  | 'option-invalid'
  | 'same-padding-stride'
  | 'padding-too-large'
  // planning
  | 'memory-cap-infeasible'
  | 'invalid-tree';

export function rangeText(expression: string, range: TextRange): string {
  return expression.slice(range.start, range.end);
}

export function error(code: ProblemCode, message: string, extra: Partial<Problem> = {}): Problem {
  return { code, severity: 'error', message, ...extra };
}

export function warning(code: ProblemCode, message: string, extra: Partial<Problem> = {}): Problem {
  return { code, severity: 'warning', message, ...extra };
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Thrown by engine entry points that cannot return a result for invalid input. */
export class EngineError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.filter((p) => p.severity === 'error').map((p) => p.message).join('; ') || 'invalid input');
    this.name = 'EngineError';
  }
}
