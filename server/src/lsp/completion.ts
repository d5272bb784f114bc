/**
 * Completion beyond Langium's names and keywords: the indices of the layer's expression where
 * an options block names an index (conv indices first), padding modes and objectives; as
 * operands, only the outputs of the layers above.
 */
import { AstUtils, GrammarAST, type AstNodeDescription, type LangiumDocument, type MaybePromise, type ReferenceInfo, type Stream } from 'langium';
import { DefaultCompletionProvider, type CompletionAcceptor, type CompletionContext, type NextFeature } from 'langium/lsp';
import { CompletionItemKind, type CancellationToken, type CompletionList, type CompletionParams } from 'vscode-languageserver';
import { formatIndex } from '../engine/notation.js';
import { OBJECTIVES, PADDING_MODES } from '../engine/options.js';
import type { CeinServices } from '../language/cein-module.js';
import { isLayer, LayerOutput } from '../language/generated/ast.js';
import { wasParsed } from '../language/parsing/cein-parser.js';
import type { CeinTyping } from '../language/typing/cein-typing.js';
import { guarded } from './guard.js';

export class CeinCompletionProvider extends DefaultCompletionProvider {
  private readonly typing: CeinTyping;

  constructor(services: CeinServices) {
    super(services);
    this.typing = services.typing.CeinTyping;
  }

  override getCompletion(document: LangiumDocument, params: CompletionParams, cancelToken?: CancellationToken): Promise<CompletionList | undefined> {
    // Completion parses the text again with a parser of its own, which the expression limits do not guard.
    if (!wasParsed(document.parseResult.value)) return Promise.resolve(undefined);
    return guarded('completion', undefined, () => super.getCompletion(document, params, cancelToken));
  }

  protected override completionFor(context: CompletionContext, next: NextFeature, accept: CompletionAcceptor): MaybePromise<void> {
    const property = AstUtils.getContainerOfType(next.feature, GrammarAST.isAssignment)?.feature;
    if (property === 'index') return this.completeIndex(context, accept);
    if (property === 'mode') return this.completeWords(context, accept, PADDING_MODES, 'padding mode');
    if (property === 'objective') return this.completeWords(context, accept, OBJECTIVES, 'planning objective');
    return super.completionFor(context, next, accept);
  }

  /** A layer can only use the outputs of the layers above it (the validator says so of its own and later ones). */
  protected override getReferenceCandidates(refInfo: ReferenceInfo, context: CompletionContext): Stream<AstNodeDescription> {
    const layer = AstUtils.getContainerOfType(refInfo.container, isLayer) ?? (context.node && AstUtils.getContainerOfType(context.node, isLayer));
    const layerStart = layer?.$cstNode?.offset ?? context.offset;
    return super.getReferenceCandidates(refInfo, context).filter((candidate) => candidate.type !== LayerOutput.$type || (candidate.nameSegment?.offset ?? Infinity) < layerStart);
  }

  private completeIndex(context: CompletionContext, accept: CompletionAcceptor): void {
    const layer = context.node && AstUtils.getContainerOfType(context.node, isLayer);
    const spec = layer && this.typing.layerTypes(layer)?.parsed.spec;
    if (!spec) return;
    const convs = new Set(spec.convs.map((c) => c.name));
    const names = [...new Set([...spec.convs.map((c) => c.name), ...spec.inputs.flatMap((t) => t.indices.map((i) => i.name))])];
    for (const name of names) {
      accept(context, {
        label: name,
        kind: CompletionItemKind.Variable,
        detail: convs.has(name) ? `conv index ${formatIndex(name)}` : `index ${formatIndex(name)} (not a conv index)`,
        sortText: `${convs.has(name) ? 0 : 1}${name}`,
      });
    }
  }

  private completeWords(context: CompletionContext, accept: CompletionAcceptor, words: readonly string[], what: string): void {
    for (const word of words) accept(context, { label: word, kind: CompletionItemKind.EnumMember, detail: what });
  }
}
