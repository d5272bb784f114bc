/** Quick fixes: each cein diagnostic carries its fixes (see validation/quick-fix.ts); offer them. */
import type { LangiumDocument } from 'langium';
import type { CodeActionProvider } from 'langium/lsp';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Command } from 'vscode-languageserver';
import { isCeinDiagnosticData } from '../language/validation/quick-fix.js';
import { guarded } from './guard.js';

export class CeinCodeActionProvider implements CodeActionProvider {
  getCodeActions(document: LangiumDocument, params: CodeActionParams): Promise<Array<Command | CodeAction>> {
    return guarded('code actions', [], () =>
      params.context.diagnostics.flatMap((diagnostic) => {
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
      }),
    );
  }
}
