/** Symbol and completion kinds of cein's named things (outline, breadcrumbs, completion icons). */
import type { AstNode, AstNodeDescription } from 'langium';
import { DefaultNodeKindProvider } from 'langium/lsp';
import { CompletionItemKind, SymbolKind } from 'vscode-languageserver';

const KINDS: Record<string, [SymbolKind, CompletionItemKind]> = {
  SizeConstant: [SymbolKind.Constant, CompletionItemKind.Constant],
  TensorDeclaration: [SymbolKind.Variable, CompletionItemKind.Variable],
  LayerOutput: [SymbolKind.Variable, CompletionItemKind.Variable],
  Layer: [SymbolKind.Function, CompletionItemKind.Function],
  Network: [SymbolKind.Module, CompletionItemKind.Module],
};

export class CeinNodeKindProvider extends DefaultNodeKindProvider {
  override getSymbolKind(node: AstNode | AstNodeDescription): SymbolKind {
    return KINDS[typeOf(node)]?.[0] ?? super.getSymbolKind(node);
  }

  override getCompletionItemKind(node: AstNode | AstNodeDescription): CompletionItemKind {
    return KINDS[typeOf(node)]?.[1] ?? super.getCompletionItemKind(node);
  }
}

function typeOf(node: AstNode | AstNodeDescription): string {
  return '$type' in node ? node.$type : node.type;
}
