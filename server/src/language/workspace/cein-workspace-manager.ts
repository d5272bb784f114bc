/**
 * Start-up that one bad file cannot block. Langium loads the workspace folder's files all or
 * nothing, and every request waits for the load: a file that fails to load would leave the
 * server answering nothing, for any file, ever. Here a file that fails is left out (and said
 * so on stderr), and requests are released however the load ends.
 */
import { DefaultWorkspaceManager, type LangiumDocument, type Stream, type URI } from 'langium';
import type { WorkspaceFolder } from 'vscode-languageserver';

export class CeinWorkspaceManager extends DefaultWorkspaceManager {
  protected override async performStartup(folders: WorkspaceFolder[]): Promise<LangiumDocument[]> {
    try {
      return await super.performStartup(folders);
    } finally {
      this._ready.resolve();
    }
  }

  protected override async loadWorkspaceDocuments(uris: Stream<URI>, collector: (document: LangiumDocument) => void): Promise<void> {
    await Promise.all(uris.map(async (uri) => {
      try {
        collector(await this.langiumDocuments.getOrCreateDocument(uri));
      } catch (e) {
        console.error(`cein: ${uri.toString()} could not be loaded:`, e instanceof Error ? e.message : e);
      }
    }));
  }
}
