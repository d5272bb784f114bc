/**
 * The webview's page: a shell that loads the bundled view script and stylesheet under a strict
 * Content-Security-Policy (no inline code, the one script allowed by its nonce).
 */
import * as vscode from 'vscode';

export const VIEW_ROOT = 'out';
const SCRIPT = 'plan-view.js';
const STYLE = 'plan-view.css';

export function planViewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, VIEW_ROOT, file));
  const policy = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset(STYLE)}">
<title>cein Plan</title>
</head>
<body>
<main id="app"><p class="muted">Loading the plan…</p></main>
<script nonce="${nonce}" src="${asset(SCRIPT)}"></script>
</body>
</html>`;
}
