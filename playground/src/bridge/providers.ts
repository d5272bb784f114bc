/**
 * Monaco's language features for cein, each answered by the language server: hover, completion,
 * code lenses, inlay hints and semantic tokens. The conversions live in their own modules; this
 * one only asks and hands over.
 */
import * as monaco from 'monaco-editor/editor';
import {
  CodeLensRequest,
  LSPErrorCodes,
  ResponseError,
  CompletionRequest,
  HoverRequest,
  InlayHintRequest,
  SemanticTokensRequest,
  type CancellationToken as LspCancellationToken,
} from 'vscode-languageserver-protocol/browser';
import { toMonacoCodeLens } from './code-lens.js';
import { toMonacoCompletions } from './completion.js';
import { toMonacoHover } from './hover.js';
import { toMonacoInlayHint } from './inlay-hints.js';
import type { LanguageServer, RefreshKind } from './language-server.js';
import { toLspPosition, toLspRange } from './positions.js';

export function registerProviders(languageId: string, server: LanguageServer): monaco.IDisposable[] {
  const { connection, capabilities } = server;
  const document = (model: monaco.editor.ITextModel) => ({ uri: model.uri.toString() });
  const refresh = refreshEvents(server);

  const providers = [
    monaco.languages.registerHoverProvider(languageId, {
      provideHover: async (model, position, token) =>
        toMonacoHover(await unlessCancelled(connection.sendRequest(HoverRequest.type, { textDocument: document(model), position: toLspPosition(position) }, lspToken(token)))),
    }),
    monaco.languages.registerCompletionItemProvider(languageId, {
      triggerCharacters: capabilities.completionProvider?.triggerCharacters,
      provideCompletionItems: async (model, position, _context, token) => {
        const answer = await unlessCancelled(connection.sendRequest(CompletionRequest.type, { textDocument: document(model), position: toLspPosition(position) }, lspToken(token)));
        const word = model.getWordUntilPosition(position);
        return toMonacoCompletions(answer, { startLineNumber: position.lineNumber, endLineNumber: position.lineNumber, startColumn: word.startColumn, endColumn: word.endColumn });
      },
    }),
    monaco.languages.registerCodeLensProvider(languageId, {
      // Monaco only fetches the lenses again on this event; it reads no payload.
      onDidChange: refresh.codeLens.event as monaco.IEvent<never>,
      provideCodeLenses: async (model, token) => {
        const lenses = (await unlessCancelled(connection.sendRequest(CodeLensRequest.type, { textDocument: document(model) }, lspToken(token)))) ?? [];
        return { lenses: lenses.map(toMonacoCodeLens), dispose: () => undefined };
      },
    }),
    monaco.languages.registerInlayHintsProvider(languageId, {
      onDidChangeInlayHints: refresh.inlayHint.event,
      provideInlayHints: async (model, range, token) => {
        const hints = (await unlessCancelled(connection.sendRequest(InlayHintRequest.type, { textDocument: document(model), range: toLspRange(range) }, lspToken(token)))) ?? [];
        return { hints: hints.map(toMonacoInlayHint), dispose: () => undefined };
      },
    }),
  ];
  const legend = capabilities.semanticTokensProvider?.legend;
  if (legend) {
    providers.push(
      monaco.languages.registerDocumentSemanticTokensProvider(languageId, {
        onDidChange: refresh.semanticTokens.event,
        getLegend: () => legend,
        provideDocumentSemanticTokens: async (model, _lastResultId, token) => {
          const tokens = await unlessCancelled(connection.sendRequest(SemanticTokensRequest.type, { textDocument: document(model) }, lspToken(token)));
          return tokens ? { data: new Uint32Array(tokens.data), resultId: tokens.resultId } : null;
        },
        releaseDocumentSemanticTokens: () => undefined,
      }),
    );
  }
  return providers;
}

function refreshEvents(server: LanguageServer): Record<RefreshKind, monaco.Emitter<void>> {
  const events: Record<RefreshKind, monaco.Emitter<void>> = {
    codeLens: new monaco.Emitter<void>(),
    inlayHint: new monaco.Emitter<void>(),
    semanticTokens: new monaco.Emitter<void>(),
  };
  server.onRefresh((kind) => events[kind].fire());
  return events;
}

/**
 * A request the editor or the server dropped (the editor cancelled it, or an edit made it stale):
 * no answer, as for an empty one; the editor asks again for the new text. Other failures stay failures.
 */
export async function unlessCancelled<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (e) {
    if (e instanceof ResponseError && (e.code === LSPErrorCodes.RequestCancelled || e.code === LSPErrorCodes.ContentModified)) return null;
    throw e;
  }
}

/** Monaco's cancellation token as the connection's (both have isCancellationRequested and an event). */
function lspToken(token: monaco.CancellationToken): LspCancellationToken {
  return token as unknown as LspCancellationToken;
}
