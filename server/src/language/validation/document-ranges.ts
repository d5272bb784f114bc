/** Offsets in the document of an AST node, turned into LSP ranges. */
import { AstUtils, type AstNode } from 'langium';
import type { Range } from 'vscode-languageserver-types';
import type { OffsetRange } from '../expression-literal.js';

export function toRange(node: AstNode, offsets: OffsetRange): Range {
  const text = AstUtils.getDocument(node).textDocument;
  return { start: text.positionAt(offsets.start), end: text.positionAt(offsets.end) };
}

export function nodeRange(node: AstNode): Range | undefined {
  return node.$cstNode?.range;
}
