/**
 * LSP code lenses as Monaco's. The server's lenses carry their commands (cein.run, cein.plan, ...)
 * with the layer's target; a lens with an empty command id is a label (the cost line).
 */
import type { languages } from 'monaco-editor/editor';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { toMonacoRange } from './positions.js';

export function toMonacoCodeLens(lens: CodeLens): languages.CodeLens {
  const command = lens.command;
  return {
    range: toMonacoRange(lens.range),
    ...(command ? { command: { id: command.command, title: command.title, arguments: command.arguments } } : {}),
  };
}
