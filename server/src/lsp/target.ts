/**
 * What the cursor is on: an index letter (in the string or an options block), a layer's
 * expression, a tensor, a size constant or a network. Hover and completion start from here.
 */
import { AstUtils, CstUtils, GrammarUtils, isReference, type AstNode, type LangiumDocument } from 'langium';
import type { IndexOccurrence, ParsedSpec } from '../engine/notation.js';
import {
  isConstantReference,
  isIndexOptions,
  isLayer,
  isLayerOutput,
  isNetwork,
  isSizeConstant,
  isTensorDeclaration,
  type Layer,
  type Network,
  type SizeConstant,
  type TensorSource,
} from '../language/generated/ast.js';
import type { CeinTyping } from '../language/typing/cein-typing.js';

export type Target =
  | { readonly kind: 'index'; readonly layer: Layer; readonly name: string }
  | { readonly kind: 'expression'; readonly layer: Layer }
  | { readonly kind: 'tensor'; readonly source: TensorSource }
  | { readonly kind: 'constant'; readonly constant: SizeConstant }
  | { readonly kind: 'network'; readonly network: Network };

export function targetAt(document: LangiumDocument, offset: number, typing: CeinTyping): Target | undefined {
  const root = document.parseResult.value.$cstNode;
  const leaf = root && CstUtils.findLeafNodeAtOffset(root, offset);
  if (!leaf || leaf.hidden) return undefined;
  const node = leaf.astNode;

  const referenced = referenceAt(node, leaf);
  if (referenced) {
    if (isTensorDeclaration(referenced) || isLayerOutput(referenced)) return { kind: 'tensor', source: referenced };
    if (isSizeConstant(referenced)) return { kind: 'constant', constant: referenced };
  }
  const isName = GrammarUtils.findNodeForProperty(node.$cstNode, 'name') === leaf;
  if (isLayer(node)) {
    if (GrammarUtils.findNodeForProperty(node.$cstNode, 'expression') === leaf) {
      const types = typing.layerTypes(node);
      const at = types?.literal?.fromDocument(offset);
      const occurrence = at === undefined ? undefined : occurrenceAt(types?.parsed.spec, at);
      return occurrence ? { kind: 'index', layer: node, name: occurrence.name } : { kind: 'expression', layer: node };
    }
    return { kind: 'expression', layer: node };
  }
  if (isLayerOutput(node)) return { kind: 'tensor', source: node };
  if (isTensorDeclaration(node) && isName) return { kind: 'tensor', source: node };
  if (isSizeConstant(node) && isName) return { kind: 'constant', constant: node };
  if (isConstantReference(node) && node.constant.ref) return { kind: 'constant', constant: node.constant.ref };
  if (isNetwork(node) && isName) return { kind: 'network', network: node };
  if (isIndexOptions(node) && GrammarUtils.findNodeForProperty(node.$cstNode, 'index') === leaf) {
    return { kind: 'index', layer: node.$container.$container, name: node.index };
  }
  return undefined;
}

function referenceAt(node: AstNode, leaf: { offset: number }): AstNode | undefined {
  for (const info of AstUtils.streamReferences(node)) {
    const reference = info.reference;
    if (isReference(reference) && reference.$refNode?.offset === leaf.offset) return reference.ref;
  }
  return undefined;
}

/** Every index occurrence of the string: inputs, output and conv list. */
export function occurrences(spec: ParsedSpec | null | undefined): IndexOccurrence[] {
  if (!spec) return [];
  return [...spec.inputs.flatMap((t) => t.indices), ...(spec.output?.indices ?? []), ...spec.convs];
}

/** The index occurrence at a position of the expression string. */
export function occurrenceAt(spec: ParsedSpec | null | undefined, at: number): IndexOccurrence | undefined {
  return occurrences(spec).find((i) => i.range.start <= at && at < i.range.end);
}
