/**
 * Semantic highlighting. Inside an expression string each index is coloured by its kind, so
 * conv, batch, contracted and free indices read apart at a glance; the same colour marks the
 * index in the layer's options block. Outside strings: declarations and references by what
 * they name.
 */
import type { AstNode } from 'langium';
import { AbstractSemanticTokenProvider, type SemanticTokenAcceptor } from 'langium/lsp';
import { SemanticTokenModifiers, SemanticTokenTypes } from 'vscode-languageserver';
import type { IndexKind } from '../engine/shapes.js';
import type { CeinServices } from '../language/cein-module.js';
import { isConstantReference, isIndexOptions, isLayer, isLayerOutput, isNetwork, isNumberLiteral, isSizeConstant, isTensorDeclaration, type Layer } from '../language/generated/ast.js';
import type { CeinTyping } from '../language/typing/cein-typing.js';
import { toRange } from '../language/validation/document-ranges.js';
import { occurrences } from './target.js';

/** Token type of an index, by kind: distinct colours in common themes. */
export const INDEX_TOKEN_TYPES: Readonly<Record<IndexKind, string>> = {
  conv: SemanticTokenTypes.function,
  batch: SemanticTokenTypes.typeParameter,
  contracted: SemanticTokenTypes.enumMember,
  free: SemanticTokenTypes.variable,
  reduced: SemanticTokenTypes.parameter,
};

export class CeinSemanticTokenProvider extends AbstractSemanticTokenProvider {
  private readonly typing: CeinTyping;

  constructor(services: CeinServices) {
    super(services);
    this.typing = services.typing.CeinTyping;
  }

  protected override highlightElement(node: AstNode, accept: SemanticTokenAcceptor): void {
    try {
      this.highlight(node, accept);
    } catch (e) {
      console.error('cein: semantic tokens failed:', e);
    }
  }

  private highlight(node: AstNode, accept: SemanticTokenAcceptor): void {
    const declaration = SemanticTokenModifiers.declaration;
    if (isLayer(node)) {
      accept({ node, property: 'name', type: SemanticTokenTypes.function, modifier: declaration });
      node.operands.forEach((_, index) => accept({ node, property: 'operands', index, type: SemanticTokenTypes.variable }));
      this.highlightIndices(node, accept);
    } else if (isLayerOutput(node) || isTensorDeclaration(node)) {
      const readonly = isTensorDeclaration(node) && node.role !== 'weight' ? [SemanticTokenModifiers.readonly] : [];
      accept({ node, property: 'name', type: SemanticTokenTypes.variable, modifier: [declaration, ...readonly] });
    } else if (isSizeConstant(node)) {
      accept({ node, property: 'name', type: SemanticTokenTypes.variable, modifier: [declaration, SemanticTokenModifiers.readonly] });
    } else if (isConstantReference(node)) {
      accept({ node, property: 'constant', type: SemanticTokenTypes.variable, modifier: SemanticTokenModifiers.readonly });
    } else if (isNetwork(node)) {
      accept({ node, property: 'name', type: SemanticTokenTypes.namespace, modifier: declaration });
      node.inputs.forEach((_, index) => accept({ node, property: 'inputs', index, type: SemanticTokenTypes.variable }));
    } else if (isIndexOptions(node)) {
      const kind = this.typing.layerTypes(node.$container.$container)?.analysis?.analysis?.byName.get(node.index)?.kind;
      if (kind) accept({ node, property: 'index', type: INDEX_TOKEN_TYPES[kind] });
    } else if (isNumberLiteral(node)) {
      accept({ node, property: 'value', type: SemanticTokenTypes.number });
    }
  }

  /** One token per index occurrence in the string, typed by the index's kind. */
  private highlightIndices(layer: Layer, accept: SemanticTokenAcceptor): void {
    const types = this.typing.layerTypes(layer);
    const byName = types?.analysis?.analysis?.byName;
    const spec = types?.parsed.spec;
    if (!types?.literal || !byName || !spec) return;
    for (const occurrence of occurrences(spec)) {
      const kind = byName.get(occurrence.name)?.kind;
      if (kind) accept({ range: toRange(layer, types.literal.rangeToDocument(occurrence.range)), type: INDEX_TOKEN_TYPES[kind] });
    }
  }
}
