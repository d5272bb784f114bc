/** The outline: networks, layers, tensors and constants, each with its shape or value as detail. */
import type { AstNode, CstNode, LangiumDocument } from 'langium';
import { DefaultDocumentSymbolProvider } from 'langium/lsp';
import type { DocumentSymbol } from 'vscode-languageserver';
import { formatShape } from '../engine/summary.js';
import type { CeinServices } from '../language/cein-module.js';
import { isLayer, isLayerOutput, isSizeConstant, isTensorDeclaration } from '../language/generated/ast.js';
import type { CeinTyping } from '../language/typing/cein-typing.js';

export class CeinDocumentSymbolProvider extends DefaultDocumentSymbolProvider {
  private readonly typing: CeinTyping;

  constructor(services: CeinServices) {
    super(services);
    this.typing = services.typing.CeinTyping;
  }

  protected override createSymbol(document: LangiumDocument, node: AstNode, cst: CstNode, nameNode: CstNode, name?: string): DocumentSymbol {
    const symbol = super.createSymbol(document, node, cst, nameNode, name);
    const detail = this.detailOf(node);
    return detail ? { ...symbol, detail } : symbol;
  }

  private detailOf(node: AstNode): string | undefined {
    try {
      const types = this.typing.typesOf(node);
      if (isSizeConstant(node)) return String(types.constantValue(node) ?? '');
      if (isTensorDeclaration(node) || isLayerOutput(node)) {
        const shape = types.shapeOf(node);
        return shape ? formatShape(shape) : undefined;
      }
      if (isLayer(node)) return node.expression;
    } catch (e) {
      console.error('cein: document symbols failed:', e);
    }
    return undefined;
  }
}
