/**
 * The editor features of the .cein language: hover, code lens, inlay hints, semantic tokens,
 * completion, quick fixes, outline, formatting and the cein.* commands.
 */
import { DocumentState, type Module } from 'langium';
import type { DefaultSharedModuleContext, LangiumSharedServices, PartialLangiumServices, PartialLangiumSharedServices, ServiceRequirements } from 'langium/lsp';
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
import { publishDiagnosticsWithVersions } from './versioned-diagnostics.js';
import { readEditorSettings } from '../language/typing/editor-settings.js';

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

/**
 * The document states that requests wait for, where Langium's defaults are too early for cein:
 * the outline's details (shapes, values) come from typing, which resolves references, so it
 * waits for linking rather than parsing. Passed to startLanguageServer.
 */
export const ceinServiceRequirements: Partial<ServiceRequirements> = {
  DocumentSymbolProvider: DocumentState.Linked,
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
  const services = createCeinServices(context, CeinLspModule, ceinSharedLspModule(options.runner));
  if (context.connection) publishDiagnosticsWithVersions(context.connection, services.shared);
  followEditorSettings(services);
  return services;
}

/**
 * When the editor's `cein` settings change, plan again with them, re-validate every document
 * and ask the client to fetch lenses, hints and tokens again.
 */
function followEditorSettings({ shared, cein }: { shared: LangiumSharedServices; cein: CeinServices }): void {
  shared.workspace.ConfigurationProvider.onConfigurationSectionUpdate((update) => {
    if (update.section !== cein.LanguageMetaData.languageId) return;
    if (!cein.typing.CeinTyping.useEditorSettings(readEditorSettings(update.configuration))) return;
    const uris = shared.workspace.LangiumDocuments.all.map((document) => document.uri).toArray();
    const rebuilt = shared.workspace.WorkspaceLock.write((token) => shared.workspace.DocumentBuilder.update(uris, [], token));
    void rebuilt.then(() => {
      const connection = shared.lsp.Connection;
      return Promise.allSettled([connection?.sendRequest('workspace/codeLens/refresh'), connection?.languages.inlayHint.refresh(), connection?.languages.semanticTokens.refresh()]);
    });
  });
}
