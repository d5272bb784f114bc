/**
 * Code actions: the quick fixes each cein diagnostic carries (see validation/quick-fix.ts), and on
 * a `let` constant that sizes a factor, "Fit NAME to a budget...", which the client completes
 * (it asks for the budget, then the server's `cein.fit` for the value).
 */
import { AstUtils, CstUtils, type LangiumDocument } from 'langium';
import type { CodeActionProvider } from 'langium/lsp';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Command } from 'vscode-languageserver';
import { constantUses } from '../language/fitting/constant-uses.js';
import { isSizeConstant, type CeinFile } from '../language/generated/ast.js';
import { isCeinDiagnosticData } from '../language/validation/quick-fix.js';
import { guarded } from './guard.js';

/** The client command behind the fit action; its argument is `{ uri, name }`. */
export const FIT_CONSTANT_COMMAND = 'cein.fitConstant';

export class CeinCodeActionProvider implements CodeActionProvider {
  getCodeActions(document: LangiumDocument, params: CodeActionParams): Promise<Array<Command | CodeAction>> {
    return guarded('code actions', [], () => [...quickFixes(document, params), ...fitActions(document, params)]);
  }
}

function quickFixes(document: LangiumDocument, params: CodeActionParams): CodeAction[] {
  return params.context.diagnostics.flatMap((diagnostic) => {
    const data = diagnostic.data;
    if (!isCeinDiagnosticData(data)) return [];
    return (data.fixes ?? []).map(
      (fix, i): CodeAction => ({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: i === 0 && (data.fixes?.length ?? 0) === 1,
        edit: { changes: { [document.uri.toString()]: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
      }),
    );
  });
}

/** "Fit R to a budget..." on a `let` whose value sizes some factor (a weight or const) of a layer. */
function fitActions(document: LangiumDocument, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((kind) => CodeActionKind.RefactorRewrite.startsWith(kind))) return [];
  const root = document.parseResult.value.$cstNode;
  const leaf = root && CstUtils.findLeafNodeAtOffset(root, document.textDocument.offsetAt(params.range.start));
  const constant = leaf && AstUtils.getContainerOfType(leaf.astNode, isSizeConstant);
  if (!constant?.value || constantUses(document.parseResult.value as CeinFile, constant).factorLayers.size === 0) return [];
  const title = `Fit ${constant.name} to a budget...`;
  return [{ title, kind: CodeActionKind.RefactorRewrite, command: { title, command: FIT_CONSTANT_COMMAND, arguments: [{ uri: document.uri.toString(), name: constant.name }] } }];
}
