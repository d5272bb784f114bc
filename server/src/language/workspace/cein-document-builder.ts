/**
 * Langium's document builder, made fail-safe per document and patient with new documents:
 *
 * - A build runs each stage (parse, index, scopes, link, validate) over all documents; an
 *   exception in one document's stage would abort the build of every document. Here it is
 *   logged and the other documents go on.
 * - A request for a document the editor has just opened, whose first build is still queued,
 *   failed at once (ServerCancelled, "No document found"); here it waits for that build.
 */
import { DefaultDocumentBuilder, DocumentState, isOperationCancelled, OperationCancelled, UriUtils, type Disposable, type LangiumDocument, type MaybePromise, type URI } from 'langium';
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';

export class CeinDocumentBuilder extends DefaultDocumentBuilder {
  protected override runCancelable(documents: LangiumDocument[], targetState: DocumentState, cancelToken: CancellationToken, callback: (document: LangiumDocument) => MaybePromise<unknown>): Promise<void> {
    return super.runCancelable(documents, targetState, cancelToken, async (document) => {
      try {
        await callback(document);
      } catch (e) {
        if (isOperationCancelled(e)) throw e;
        console.error(`cein: ${DocumentState[targetState]} stage of ${document.uri.toString()} failed:`, e instanceof Error ? (e.stack ?? e.message) : e);
      }
    });
  }

  protected override awaitDocumentState(state: DocumentState, uri: URI, cancelToken: CancellationToken): Promise<URI> {
    const queued = !this.langiumDocuments.hasDocument(uri) && this.textDocuments?.get(uri.toString()) !== undefined;
    if (!queued || cancelToken.isCancellationRequested) return super.awaitDocumentState(state, uri, cancelToken);
    return new Promise<URI>((resolve, reject) => {
      const subscriptions: Disposable[] = [];
      const stop = () => subscriptions.forEach((subscription) => subscription.dispose());
      subscriptions.push(
        this.onDocumentPhase(state, (document) => {
          if (!UriUtils.equals(document.uri, uri)) return;
          stop();
          resolve(uri);
        }),
        this.onUpdate((_, removed) => {
          if (!removed.some((r) => UriUtils.equals(r, uri))) return;
          stop();
          reject(new ResponseError(LSPErrorCodes.ServerCancelled, `${uri.toString()} was removed before it was built`));
        }),
        cancelToken.onCancellationRequested(() => {
          stop();
          reject(OperationCancelled);
        }),
      );
    });
  }
}
