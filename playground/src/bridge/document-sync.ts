/**
 * Keeps the server's copy of each open model in step with the editor: didOpen, the whole text on
 * every change (a full-text change needs no range bookkeeping; Langium rebuilds the document
 * anyway), didClose; and the server's diagnostics as the model's markers.
 */
import * as monaco from 'monaco-editor/editor';
import {
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  PublishDiagnosticsNotification,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/browser';
import { toMarker } from './diagnostics.js';

export const MARKER_OWNER = 'cein';

export class DocumentSync {
  private readonly open = new Map<string, monaco.IDisposable>();
  private readonly diagnosticsListeners: ((uri: string) => void)[] = [];

  constructor(private readonly connection: ProtocolConnection) {
    connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, version, diagnostics }) => {
      const model = monaco.editor.getModel(monaco.Uri.parse(uri));
      // Diagnostics of an older text would sit at stale places; the server publishes the newer ones next.
      if (!model || (version !== undefined && version !== model.getVersionId())) return;
      monaco.editor.setModelMarkers(model, MARKER_OWNER, diagnostics.map(toMarker));
      this.diagnosticsListeners.forEach((listener) => listener(uri));
    });
  }

  /** Called after each set of markers the server's diagnostics gave. */
  onDiagnostics(listener: (uri: string) => void): void {
    this.diagnosticsListeners.push(listener);
  }

  openModel(model: monaco.editor.ITextModel, languageId: string): void {
    const uri = model.uri.toString();
    void this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: model.getVersionId(), text: model.getValue() },
    });
    const changes = model.onDidChangeContent(() => {
      void this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: model.getVersionId() },
        contentChanges: [{ text: model.getValue() }],
      });
    });
    this.open.set(uri, changes);
  }

  closeModel(model: monaco.editor.ITextModel): void {
    const uri = model.uri.toString();
    this.open.get(uri)?.dispose();
    this.open.delete(uri);
    void this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }
}
