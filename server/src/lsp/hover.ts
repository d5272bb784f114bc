/** Hover: the cost of an expression, the facts of an index, a tensor, a constant or a network. */
import type { LangiumDocument } from 'langium';
import type { HoverProvider } from 'langium/lsp';
import type { CancellationToken, Hover, HoverParams } from 'vscode-languageserver';
import type { CeinServices } from '../language/cein-module.js';
import { constantUses, layerLabel } from '../language/fitting/constant-uses.js';
import { isLayer } from '../language/generated/ast.js';
import type { CeinTyping } from '../language/typing/cein-typing.js';
import { guarded } from './guard.js';
import { constantHover, expressionHover, indexHover, networkHover, tensorHover } from './hover-content.js';
import { targetAt, type Target } from './target.js';

export class CeinHoverProvider implements HoverProvider {
  private readonly typing: CeinTyping;

  constructor(services: CeinServices) {
    this.typing = services.typing.CeinTyping;
  }

  getHoverContent(document: LangiumDocument, params: HoverParams, cancelToken?: CancellationToken): Promise<Hover | undefined> {
    return guarded('hover', undefined, () => {
      const target = targetAt(document, document.textDocument.offsetAt(params.position), this.typing);
      const value = target && this.markdown(target, cancelToken);
      return value ? { contents: { kind: 'markdown', value } } : undefined;
    });
  }

  private markdown(target: Target, cancelToken?: CancellationToken): string | undefined {
    switch (target.kind) {
      case 'expression': {
        const types = this.typing.layerTypes(target.layer);
        return types && expressionHover(types, this.typing.planOf(target.layer, cancelToken));
      }
      case 'index': {
        const types = this.typing.layerTypes(target.layer);
        return types && indexHover(types, target.name);
      }
      case 'tensor': {
        const types = this.typing.typesOf(target.source);
        const producer = target.source.$type === 'LayerOutput' ? types.layerOf(target.source.$container) : undefined;
        const requiresGrad = producer ? producer.requiresGrad : target.source.$type === 'TensorDeclaration' ? target.source.role === 'weight' : undefined;
        return tensorHover(target.source, types.shapeOf(target.source), requiresGrad);
      }
      case 'constant': {
        const types = this.typing.typesOf(target.constant);
        const usedBy = constantUses(types.root, target.constant).layers.map(layerLabel);
        return constantHover(target.constant, types.constantValue(target.constant), usedBy);
      }
      case 'network': {
        const outcome = this.typing.networkPlan(target.network, cancelToken);
        if (!outcome) return undefined;
        if ('unplanned' in outcome) return `**network ${target.network.name}**\n\nThe cost appears once these layers have no problems: ${outcome.unplanned.map((l) => l.name).join(', ')}`;
        const layers = target.network.statements.filter(isLayer);
        return networkHover(target.network, layers.map((layer, i) => ({ layer, plan: outcome.plans[i]! })), outcome.totals);
      }
    }
  }
}
