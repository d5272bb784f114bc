/**
 * The cein language server in a Web Worker (out/browser/language-worker.js), spoken to over
 * JSON-RPC on the worker's postMessage: initializes it with what this page's editor supports,
 * and answers the requests a server sends its client.
 */
import {
  BrowserMessageReader,
  BrowserMessageWriter,
  createProtocolConnection,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  MessageType,
  type InitializeResult,
  type ProtocolConnection,
  type ServerCapabilities,
} from 'vscode-languageserver-protocol/browser';

export interface LanguageServer {
  readonly connection: ProtocolConnection;
  readonly capabilities: ServerCapabilities;
  /** Called when the server asks the editor to fetch its code lenses, inlay hints or semantic tokens again. */
  onRefresh(listener: (what: RefreshKind) => void): void;
}

export type RefreshKind = 'codeLens' | 'inlayHint' | 'semanticTokens';

const REFRESH_REQUESTS: Record<string, RefreshKind> = {
  'workspace/codeLens/refresh': 'codeLens',
  'workspace/inlayHint/refresh': 'inlayHint',
  'workspace/semanticTokens/refresh': 'semanticTokens',
};

/** Speaks to the server in `worker` (a Worker running out/browser/language-worker.js). */
export async function startLanguageServer(worker: Worker): Promise<LanguageServer> {
  const connection = createProtocolConnection(new BrowserMessageReader(worker), new BrowserMessageWriter(worker));
  const listeners: ((what: RefreshKind) => void)[] = [];
  for (const [method, kind] of Object.entries(REFRESH_REQUESTS)) {
    connection.onRequest(method, () => {
      listeners.forEach((listener) => listener(kind));
      return null;
    });
  }
  // Progress of a run, capability registrations: accepted; this page shows progress in its status line.
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('client/unregisterCapability', () => null);
  connection.onNotification(LogMessageNotification.type, ({ type, message }) => (type === MessageType.Error ? console.error : console.log)(`cein server: ${message}`));
  connection.listen();
  const result: InitializeResult = await connection.sendRequest(InitializeRequest.type, {
    processId: null,
    rootUri: null,
    workspaceFolders: null,
    clientInfo: { name: 'cein playground' },
    capabilities: {
      textDocument: {
        synchronization: { dynamicRegistration: false },
        publishDiagnostics: { versionSupport: true, relatedInformation: false },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
        codeLens: {},
        inlayHint: {},
        semanticTokens: {
          requests: { full: true },
          tokenTypes: [],
          tokenModifiers: [],
          formats: ['relative'],
        },
      },
      workspace: {
        executeCommand: {},
        codeLens: { refreshSupport: true },
        inlayHint: { refreshSupport: true },
        semanticTokens: { refreshSupport: true },
      },
      window: { workDoneProgress: true },
    },
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return { connection, capabilities: result.capabilities, onRefresh: (listener) => listeners.push(listener) };
}
