/**
 * Inlay hints: the output shape after each layer's call, and the value of sizes written as
 * arithmetic (a tensor declared from constants, a constant defined by an expression).
 */
import { GrammarUtils, type AstNode, type LangiumDocument } from 'langium';
import { AbstractInlayHintProvider, type InlayHintAcceptor } from 'langium/lsp';
import { InlayHintKind, type CancellationToken, type InlayHint, type InlayHintParams } from 'vscode-languageserver';
import { formatShape } from '../engine/summary.js';
import type { CeinServices } from '../language/cein-module.js';
import { isLayer, isNumberLiteral, isSizeConstant, isTensorDeclaration } from '../language/generated/ast.js';
import type { CeinTyping } from '../language/typing/cein-typing.js';
import { guarded } from './guard.js';

export class CeinInlayHintProvider extends AbstractInlayHintProvider {
  private readonly typing: CeinTyping;

  constructor(services: CeinServices) {
    super();
    this.typing = services.typing.CeinTyping;
  }

  override getInlayHints(document: LangiumDocument, params: InlayHintParams, cancelToken?: CancellationToken): Promise<InlayHint[] | undefined> {
    return guarded('inlay hints', undefined, () => super.getInlayHints(document, params, cancelToken));
  }

  computeInlayHint(node: AstNode, accept: InlayHintAcceptor): void {
    if (isLayer(node)) {
      const shape = this.typing.layerTypes(node)?.outputShape;
      const end = GrammarUtils.findNodeForKeyword(node.$cstNode, ')')?.range.end;
      if (shape && end) accept({ position: end, label: `→ ${formatShape(shape)}`, kind: InlayHintKind.Type, paddingLeft: true });
    } else if (isTensorDeclaration(node)) {
      if (node.dims.every(isNumberLiteral)) return;
      const shape = this.typing.typesOf(node).shapeOf(node);
      const end = node.$cstNode?.range.end;
      if (shape && end) accept({ position: end, label: `= ${formatShape(shape)}`, kind: InlayHintKind.Type, paddingLeft: true });
    } else if (isSizeConstant(node)) {
      if (!node.value || isNumberLiteral(node.value)) return;
      const value = this.typing.typesOf(node).constantValue(node);
      const end = node.$cstNode?.range.end;
      if (value !== undefined && end) accept({ position: end, label: `= ${value}`, kind: InlayHintKind.Parameter, paddingLeft: true });
    }
  }
}
