/**
 * How deep and how long a size expression may be. The parser, Langium's syntax tree and every
 * walk over it recurse once per level of nesting, and a sum `a + b + c` nests to the left once
 * per operator, so a hostile expression would overflow the call stack. This scan over the
 * tokens (a loop, no recursion) finds the token where an expression passes a limit, before the
 * parser sees it. The limits are far beyond any real size and far below what overflows.
 */
import type { LexerResult } from 'langium';

type Token = LexerResult['tokens'][number];

/** Parentheses and minus signs open around one operand. */
export const MAX_NESTING = 32;
/** Binary operators (+ - * /) in one expression, at any depth. */
export const MAX_OPERATORS = 256;

export interface ExpressionLimitProblem {
  /** The token where the limit is passed. */
  readonly token: Token;
  readonly message: string;
}

/** Tokens that can continue a size expression; any other token ends it. */
const OPERANDS = new Set(['INT', 'ID']);
const BINARY_OPERATORS = new Set(['+', '-', '*', '/']);

/** The first token where a size expression nests or runs past the limits, if any. */
export function findExpressionLimitProblem(tokens: readonly Token[]): ExpressionLimitProblem | undefined {
  // What is open around the next operand, innermost last: '(' or a minus sign.
  let open: ('(' | '-')[] = [];
  let operators = 0;
  let afterOperand = false;
  const closeSigns = () => {
    while (open.at(-1) === '-') open.pop();
  };
  for (const token of tokens) {
    const type = token.tokenType.name;
    if (OPERANDS.has(type)) {
      closeSigns();
      afterOperand = true;
    } else if (type === ')') {
      closeSigns();
      if (open.at(-1) === '(') open.pop();
      closeSigns();
      afterOperand = true;
    } else if (type === '(' || (type === '-' && !afterOperand)) {
      open.push(type);
      afterOperand = false;
      if (open.length > MAX_NESTING) {
        return { token, message: `expression nested too deeply: more than ${MAX_NESTING} levels of parentheses and minus signs; the file is not analysed until this is fixed` };
      }
    } else if (BINARY_OPERATORS.has(type)) {
      operators++;
      afterOperand = false;
      if (operators > MAX_OPERATORS) {
        return { token, message: `expression too long: more than ${MAX_OPERATORS} operators; split it with let constants. The file is not analysed until this is fixed` };
      }
    } else {
      open = [];
      operators = 0;
      afterOperand = false;
    }
  }
  return undefined;
}
