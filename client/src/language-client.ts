/**
 * The cein language server as the extension sees it: start, restart, and executing its commands.
 * Its log goes to the "cein" output channel. How the server process starts (a Node child process,
 * a Web Worker) is the launcher's business; everything above the transport is here, shared by the
 * Node and the browser build of the extension.
 */
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  type BaseLanguageClient,
  type LanguageClientOptions,
  type Middleware,
} from 'vscode-languageclient';
import { readSettings, SECTION } from './settings.js';

export const CLIENT_ID = 'cein';
export const CLIENT_NAME = 'cein language server';

export class ServerUnavailableError extends Error {
  override name = 'ServerUnavailableError';
}

/** How one build of the extension starts the server. */
export interface ServerLauncher {
  /** Where the server runs, for the log: "out/server.cjs (a child process)". */
  readonly description: string;
  /**
   * A language client on a fresh server, not started yet. Fails with ServerUnavailableError when
   * the server's bundle is missing.
   */
  createClient(options: LanguageClientOptions): Promise<BaseLanguageClient>;
}

/** The message for a server bundle that is not where the extension expects it. */
export function missingServer(where: string): ServerUnavailableError {
  return new ServerUnavailableError(
    `the cein language server is missing: ${where} was not found. Build it with "npm run build" or reinstall the extension.`,
  );
}

/** Where a command's progress reports go: a message and, when known, the percentage done. */
export type ProgressSink = (message: string | undefined, percentage: number | undefined) => void;

export class CeinLanguageClient implements vscode.Disposable {
  private client: BaseLanguageClient | undefined;
  private middleware: Middleware = {};
  private progressSink: ProgressSink | undefined;

  constructor(
    private readonly launcher: ServerLauncher,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  /** Starts the server; without its bundle, fails with a message that says what is missing. */
  async start(middleware: Middleware = this.middleware): Promise<void> {
    this.middleware = middleware;
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'cein' }],
      outputChannel: this.output,
      initializationOptions: { settings: readSettings() },
      synchronize: { configurationSection: SECTION },
      middleware: this.middleware,
    };
    this.client = await this.launcher.createClient(clientOptions);
    await this.client.start();
    this.showServerProgressInCommands(this.client);
    this.output.info(`language server started (${this.launcher.description})`);
  }

  /**
   * The server reports the progress of a run or benchmark as work-done progress it creates. The
   * language client would show that as a second notification; instead it goes to the notification
   * of the command that asked (the one whose Cancel cancels the request).
   */
  private showServerProgressInCommands(client: BaseLanguageClient): void {
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
