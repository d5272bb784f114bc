/**
 * What names are visible where. A .cein file stands alone: nothing is exported to other files.
 * Inside a file a name is visible in the block that declares it (the file or a network) and in
 * the blocks nested in it; a layer's output belongs to the block around the layer, so later
 * layers can use it.
 */
import { DefaultScopeComputation, type AstNode, type AstNodeDescription, type LangiumDocument, type MultiMap } from 'langium';
import { isLayerOutput } from '../generated/ast.js';

export class CeinScopeComputation extends DefaultScopeComputation {
  override async collectExportedSymbols(): Promise<AstNodeDescription[]> {
    return [];
  }

  protected override addLocalSymbol(node: AstNode, document: LangiumDocument, symbols: MultiMap<AstNode, AstNodeDescription>): void {
    const block = isLayerOutput(node) ? node.$container.$container : node.$container;
    const name = this.nameProvider.getName(node);
    if (block && name) symbols.add(block, this.descriptions.createDescription(node, name, document));
  }
}
