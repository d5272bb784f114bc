/**
 * The .cein parser: Langium's, behind the expression limits. A document with an expression
 * nested too deeply or too long is parsed as an empty file with one error at the token where
 * the limit is passed, so no later stage (linking, typing, validation, hovers, formatting)
 * ever walks a tree deep enough to overflow the stack. Should the parser fail anyway, the
 * document gets the same treatment instead of taking the server down.
 */
import { createParser, LangiumParser, type AstNode, type LangiumCoreServices, type Lexer, type ParseResult, type ParserOptions } from 'langium';
import { findExpressionLimitProblem } from './expression-limits.js';

type LexingError = ParseResult['lexerErrors'][number];

/** Roots of documents that were not parsed. */
const unparsedRoots = new WeakSet<AstNode>();

/** False for the empty tree that stands in for a document the parser refused; features with a parser of their own (completion) skip it. */
export function wasParsed(root: AstNode): boolean {
  return !unparsedRoots.has(root);
}

export class CeinParser extends LangiumParser {
  private readonly tokenizer: Lexer;

  constructor(services: LangiumCoreServices) {
    super(services);
    this.tokenizer = services.parser.Lexer;
  }

  override parse<T extends AstNode = AstNode>(input: string, options?: ParserOptions): ParseResult<T> {
    const problem = findExpressionLimitProblem(this.tokenizer.tokenize(input).tokens);
    if (problem) {
      const { token, message } = problem;
      return this.unparsed<T>({ offset: token.startOffset, line: token.startLine, column: token.startColumn, length: token.image.length, message });
    }
    try {
      return super.parse<T>(input, options);
    } catch (e) {
      this.resetAfterFailure();
      const message = `the file could not be parsed: ${e instanceof Error ? e.message : String(e)}`;
      return this.unparsed<T>({ offset: 0, line: 1, column: 1, length: 0, message });
    }
  }

  private unparsed<T extends AstNode>(error: LexingError): ParseResult<T> {
    const empty = super.parse<T>('');
    unparsedRoots.add(empty.value);
    return { value: empty.value, parserErrors: [], lexerErrors: [error] };
  }

  /** A parse cut short by an exception leaves half-built nodes on Langium's private node stack. */
  private resetAfterFailure(): void {
    (this as unknown as { stack: unknown[] }).stack = [];
  }
}

export function createCeinParser(services: LangiumCoreServices): LangiumParser {
  const parser = createParser(services.Grammar, new CeinParser(services), services.parser.Lexer.definition);
  parser.finalize();
  return parser;
}
