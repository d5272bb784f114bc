/**
 * The cein extension where VS Code has no Node (vscode.dev, github.dev, a web worker extension
 * host): the server is a Web Worker. Built with no Node import (scripts/build.mjs bundles it for
 * the browser, which fails on one).
 */
import type * as vscode from 'vscode';
import { activateCein } from '../activation.js';
import { workerServer } from './worker-server.js';

export function activate(context: vscode.ExtensionContext): Promise<void> {
  return activateCein(context, workerServer(context.extensionUri));
}

export function deactivate(): void {}
