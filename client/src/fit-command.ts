/**
 * The client half of "Fit NAME to a budget..." (a code action the server offers on a `let`):
 * ask for the budget, have the server find the value (`cein.fit`), and write it over the
 * constant's definition.
 */
import * as vscode from 'vscode';
import { BUDGET_PROMPT, readBudgetInput } from './fit-input.js';
import type { CeinLanguageClient } from './language-client.js';
import { isFailure, ServerFitCommand, type FitAnswer, type FitRequest } from './protocol.js';

export const FIT_CONSTANT_COMMAND = 'cein.fitConstant';

export async function fitConstant(server: CeinLanguageClient, target: unknown): Promise<FitAnswer | undefined> {
  if (!isFitTarget(target)) return undefined;
  const text = await vscode.window.showInputBox({
    title: `cein: Fit ${target.name} to a budget`,
    prompt: BUDGET_PROMPT,
    placeHolder: '200k params',
    validateInput: (value) => {
      const read = readBudgetInput(value);
      return 'problem' in read ? read.problem : undefined;
    },
  });
  if (text === undefined) return undefined;
  const read = readBudgetInput(text);
  if ('problem' in read) return undefined;
  const request: FitRequest = { uri: target.uri, name: target.name, budget: read.budget };
  try {
    const answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `cein: Fitting ${target.name}`, cancellable: true },
      (_, token) => server.execute<FitAnswer | { error: string }>(ServerFitCommand, [request], token),
    );
    if (isFailure(answer)) {
      void vscode.window.showErrorMessage(`cein: ${answer.error}`);
      return undefined;
    }
    if (!answer.edit) {
      void vscode.window.showWarningMessage(`cein: ${answer.message}`);
      return answer;
    }
    const edit = new vscode.WorkspaceEdit();
    const { start, end } = answer.edit.range;
    edit.replace(vscode.Uri.parse(target.uri), new vscode.Range(start.line, start.character, end.line, end.character), answer.edit.newText);
    await vscode.workspace.applyEdit(edit);
    void vscode.window.showInformationMessage(`cein: ${answer.message}`);
    return answer;
  } catch (e) {
    void vscode.window.showErrorMessage(`cein: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

function isFitTarget(value: unknown): value is { uri: string; name: string } {
  return typeof value === 'object' && value !== null && typeof (value as { uri?: unknown }).uri === 'string' && typeof (value as { name?: unknown }).name === 'string';
}
