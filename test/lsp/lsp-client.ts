/**
 * A real LSP client over stdio for tests: spawns the built server (out/server.cjs --stdio) and
 * speaks JSON-RPC to it with vscode-languageserver-protocol, as an editor would.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export class LspClient {
  private readonly diagnostics = new Map<string, { version: number | undefined; items: Diagnostic[] }>();
  private readonly waiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();
  readonly stderr: string[] = [];
  /** The server's window/logMessage notifications (its console, in an editor's output channel). */
  readonly logs: string[] = [];

  private constructor(private readonly process: ChildProcessWithoutNullStreams, readonly connection: ProtocolConnection) {
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.diagnostics.set(params.uri, { version: params.version, items: params.diagnostics });
      for (const wake of this.waiters.splice(0)) wake();
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => void this.logs.push(params.message));
    process.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
  }

  static async start(serverPath = 'out/server.cjs', rootDir = process.cwd()): Promise<LspClient> {
    const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: 'pipe' });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.listen();
    const client = new LspClient(child, connection);
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(rootDir).href,
      capabilities: {
        textDocument: {
          hover: { contentFormat: ['markdown', 'plaintext'] },
          publishDiagnostics: { versionSupport: true },
          codeLens: {},
          inlayHint: {},
          semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
        },
        workspace: { workspaceFolders: true },
      },
      workspaceFolders: [{ uri: pathToFileURL(rootDir).href, name: 'root' }],
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    this.diagnostics.delete(uri);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'cein', version: 1, text } });
  }

  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.diagnostics.delete(uri);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /**
   * Waits for the diagnostics of the document's current text: those published for its version,
   * or, from a server that sends no version, the first published since the last open or change.
   */
  async diagnosticsFor(uri: string, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    const wanted = this.versions.get(uri);
    for (;;) {
      const got = this.diagnostics.get(uri);
      if (got && (got.version === undefined || got.version === wanted)) return got.items;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no diagnostics for ${uri} (version ${wanted}) within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The last diagnostics published for a document, with the version the server gave them. */
  published(uri: string): { version: number | undefined; items: Diagnostic[] } | undefined {
    return this.diagnostics.get(uri);
  }

  forget(uri: string): void {
    this.diagnostics.delete(uri);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  get alive(): boolean {
    return this.process.exitCode === null && !this.process.killed;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } finally {
      this.connection.dispose();
      this.process.kill();
    }
  }
}
