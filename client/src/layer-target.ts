/**
 * Which layer the cursor is in, as the server names it. The server already puts a code lens at the
 * start of every layer and network, with the target in its commands; the innermost lens at or above
 * the cursor is the layer the user means. So the client needs no parser of its own.
 */
import * as vscode from 'vscode';
import { isLayerTarget, type LayerTarget } from './protocol.js';

export type TargetLookup = { readonly target: LayerTarget } | { readonly problem: string };

export async function targetAtCursor(editor: vscode.TextEditor | undefined): Promise<TargetLookup> {
  if (!editor || editor.document.languageId !== 'cein') return { problem: 'open a .cein file and put the cursor in a layer' };
  const lenses =
    (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri)) ?? [];
  const line = editor.selection.active.line;
  const above = lenses.filter((lens) => lens.range.start.line <= line);
  if (above.length === 0) return { problem: 'the cursor is not in a layer: put it in a layer or on the line below its code lens' };
  const nearest = Math.max(...above.map((lens) => lens.range.start.line));
  const here = above.filter((lens) => lens.range.start.line === nearest);
  const target = here.map((lens) => lens.command?.arguments?.[0]).find(isLayerTarget);
  if (target) return { target };
  // Only a label: the layer cannot be planned, and the label says why.
  const reason = here.map((lens) => lens.command?.title).find((title) => title);
  return { problem: reason ? `this layer cannot be planned: ${reason}` : 'this layer cannot be planned yet' };
}
