/**
 * The editor features of the .cein language: hover, code lens, inlay hints, semantic tokens,
 * completion, quick fixes, outline, formatting and the cein.* commands.
 */
import type { Module } from 'langium';
import type { DefaultSharedModuleContext, LangiumSharedServices, PartialLangiumServices, PartialLangiumSharedServices } from 'langium/lsp';
import { createCeinServices, type CeinServices } from '../language/cein-module.js';
import { CeinCodeActionProvider } from './code-actions.js';
import { CeinCodeLensProvider } from './code-lens.js';
import { CeinCommandHandler } from './commands.js';
import { CeinCompletionProvider } from './completion.js';
import { CeinDocumentSymbolProvider } from './document-symbols.js';
import { CeinFormatter } from './formatter.js';
import { CeinHoverProvider } from './hover.js';
import { CeinInlayHintProvider } from './inlay-hints.js';
import { CeinNodeKindProvider } from './node-kinds.js';
import type { LayerRunner } from './run-hook.js';
import { CeinSemanticTokenProvider } from './semantic-tokens.js';

export const CeinLspModule: Module<CeinServices, PartialLangiumServices> = {
  lsp: {
    HoverProvider: (services) => new CeinHoverProvider(services),
    CodeLensProvider: (services) => new CeinCodeLensProvider(services),
    InlayHintProvider: (services) => new CeinInlayHintProvider(services),
    SemanticTokenProvider: (services) => new CeinSemanticTokenProvider(services),
    CompletionProvider: (services) => new CeinCompletionProvider(services),
    CodeActionProvider: () => new CeinCodeActionProvider(),
    DocumentSymbolProvider: (services) => new CeinDocumentSymbolProvider(services),
    Formatter: () => new CeinFormatter(),
  },
};

export function ceinSharedLspModule(runner?: LayerRunner): Module<LangiumSharedServices, PartialLangiumSharedServices> {
  return {
    lsp: {
      NodeKindProvider: () => new CeinNodeKindProvider(),
      ExecuteCommandHandler: (shared) => new CeinCommandHandler(shared, runner),
    },
  };
}

export interface CeinServerOptions {
  /** What cein.run and cein.bench run on; without one they report that no runtime is available. */
  readonly runner?: LayerRunner;
}

/** The full language server: language services plus every editor feature. */
export function createCeinLanguageServer(context: DefaultSharedModuleContext, options: CeinServerOptions = {}): { shared: LangiumSharedServices; cein: CeinServices } {
  return createCeinServices(context, CeinLspModule, ceinSharedLspModule(options.runner));
}
