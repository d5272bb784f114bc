/**
 * The cein language server (the bundled out/server.cjs) as a child process over IPC: start,
 * restart, and executing its commands. Its log goes to the "cein" output channel.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  TransportKind,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  type LanguageClientOptions,
  type Middleware,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { readSettings, SECTION } from './settings.js';

export const SERVER_BUNDLE = 'out/server.cjs';

export class ServerUnavailableError extends Error {
  override name = 'ServerUnavailableError';
}

/** Where a command's progress reports go: a message and, when known, the percentage done. */
export type ProgressSink = (message: string | undefined, percentage: number | undefined) => void;

export class CeinLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private middleware: Middleware = {};
  private progressSink: ProgressSink | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  /** Starts the server; without its bundle, fails with a message that says what is missing. */
  async start(middleware: Middleware = this.middleware): Promise<void> {
    this.middleware = middleware;
    const module = this.context.asAbsolutePath(SERVER_BUNDLE);
    if (!existsSync(module)) {
      throw new ServerUnavailableError(
        `the cein language server is missing: ${module} was not found. Build it with "npm run build" or reinstall the extension.`,
      );
    }
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'cein' }],
      outputChannel: this.output,
      initializationOptions: { settings: readSettings() },
      synchronize: { configurationSection: SECTION },
      middleware: this.middleware,
    };
    this.client = new LanguageClient('cein', 'cein language server', serverOptions, clientOptions);
    await this.client.start();
    this.showServerProgressInCommands(this.client);
    this.output.info(`language server started (${module})`);
  }

  /**
   * The server reports the progress of a run or benchmark as work-done progress it creates. The
   * language client would show that as a second notification; instead it goes to the notification
   * of the command that asked (the one whose Cancel cancels the request).
   */
  private showServerProgressInCommands(client: LanguageClient): void {
    client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      const sink = this.progressSink;
      const subscription = client.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind === 'end') subscription.dispose();
        else sink?.(value.message, value.percentage);
      });
    });
  }

  async restart(): Promise<void> {
    const previous = this.client;
    this.client = undefined;
    if (previous?.isRunning()) await previous.stop();
    await this.start();
  }

  /** Runs a server command (workspace/executeCommand); cancelling the token cancels the request. */
  async execute<T>(command: string, args: unknown[], token?: vscode.CancellationToken, onProgress?: ProgressSink): Promise<T> {
    if (!this.client?.isRunning()) {
      throw new ServerUnavailableError('the cein language server is not running; run "cein: Restart Language Server"');
    }
    this.progressSink = onProgress;
    try {
      return (await this.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }, token)) as T;
    } finally {
      if (this.progressSink === onProgress) this.progressSink = undefined;
    }
  }

  dispose(): void {
    void this.client?.stop();
  }
}
