/**
 * Diagnostics that say which version of a document they are for. Langium publishes them
 * without one, so an editor cannot tell the diagnostics of the text it shows from those of an
 * older edit. The version is that of the text the diagnostics were computed from (the
 * document's last parse), for documents open in the editor.
 */
import { URI } from 'langium';
import type { LangiumSharedServices } from 'langium/lsp';
import type { Connection, PublishDiagnosticsParams } from 'vscode-languageserver';

export function publishDiagnosticsWithVersions(connection: Connection, shared: LangiumSharedServices): void {
  const send = connection.sendDiagnostics.bind(connection);
  connection.sendDiagnostics = (params: PublishDiagnosticsParams) => send(params.version === undefined ? { ...params, ...versionOf(params.uri, shared) } : params);
}

function versionOf(uri: string, shared: LangiumSharedServices): { version?: number } {
  if (!shared.workspace.TextDocuments?.get(uri)) return {};
  const version = shared.workspace.LangiumDocuments.getDocument(URI.parse(uri))?.textDocument.version;
  return version === undefined ? {} : { version };
}
