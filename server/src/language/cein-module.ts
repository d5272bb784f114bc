/**
 * The services of the .cein language: Langium's defaults, the generated parser and AST, and
 * cein's scoping, typing and validation. LSP providers are added by a second module
 * (lsp/cein-lsp-module.ts), passed to createCeinServices.
 */
import { DocumentState, inject, type Module } from 'langium';
import { createDefaultModule, createDefaultSharedModule, type DefaultSharedModuleContext, type LangiumServices, type LangiumSharedServices, type PartialLangiumServices, type PartialLangiumSharedServices } from 'langium/lsp';
import type { CeinFile } from './generated/ast.js';
import { CeinGeneratedModule, CeinGeneratedSharedModule } from './generated/module.js';
import { createCeinParser } from './parsing/cein-parser.js';
import { CeinScopeComputation } from './scoping/cein-scope-computation.js';
import { CeinTyping } from './typing/cein-typing.js';
import { CeinDocumentBuilder } from './workspace/cein-document-builder.js';
import { CeinWorkspaceManager } from './workspace/cein-workspace-manager.js';
import { CeinValidator, registerValidationChecks } from './validation/cein-validator.js';

export type CeinAddedServices = {
  typing: {
    CeinTyping: CeinTyping;
  };
  validation: {
    CeinValidator: CeinValidator;
  };
};

export type CeinServices = LangiumServices & CeinAddedServices;

export const CeinModule: Module<CeinServices, PartialLangiumServices & CeinAddedServices> = {
  parser: {
    LangiumParser: (services) => createCeinParser(services),
  },
  references: {
    ScopeComputation: (services) => new CeinScopeComputation(services),
  },
  typing: {
    CeinTyping: () => new CeinTyping(),
  },
  validation: {
    CeinValidator: (services) => new CeinValidator(services),
  },
};

/** Workspace services shared by every language: fail-safe per document at start-up and in builds. */
export const CeinSharedModule: Module<LangiumSharedServices, PartialLangiumSharedServices> = {
  workspace: {
    DocumentBuilder: (shared) => new CeinDocumentBuilder(shared),
    WorkspaceManager: (shared) => new CeinWorkspaceManager(shared),
  },
};

export function createCeinServices(
  context: DefaultSharedModuleContext,
  languageModule: Module<CeinServices, PartialLangiumServices> = {},
  sharedModule: Module<LangiumSharedServices, PartialLangiumSharedServices> = {},
): { shared: LangiumSharedServices; cein: CeinServices } {
  const shared = inject(createDefaultSharedModule(context), CeinGeneratedSharedModule, CeinSharedModule, sharedModule);
  const cein = inject(createDefaultModule({ shared }), CeinGeneratedModule, CeinModule, languageModule);
  shared.ServiceRegistry.register(cein);
  registerValidationChecks(cein);
  // A document relinked without a new parse (e.g. rebuilt for new settings) keeps its AST, so
  // types made while its references were unlinked must not outlive the relinking.
  shared.workspace.DocumentBuilder.onDocumentPhase(DocumentState.Linked, (document) => cein.typing.CeinTyping.forget(document.parseResult.value as CeinFile));
  return { shared, cein };
}
