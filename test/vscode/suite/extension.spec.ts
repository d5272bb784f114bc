import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as vscode from 'vscode';
import { eventually, EXTENSION_ID, fixture, openFixture } from './workspace.js';

const PALETTE_COMMANDS = ['cein.runLayer', 'cein.benchmarkLayer', 'cein.showPlan', 'cein.exportPlan', 'cein.exportTorch', 'cein.selectBackend', 'cein.restartServer', 'cein.fitConstant'];

export function extensionTests(): void {
  suite('the extension', () => {
    test('activates when a .cein file opens', async () => {
      const editor = await openFixture('small-cp.cein');
      assert.equal(editor.document.languageId, 'cein');
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is installed`);
      await eventually('activation', () => (extension.isActive ? true : undefined));
    });

    test('registers its commands', async () => {
      const commands = await vscode.commands.getCommands(true);
      for (const command of PALETTE_COMMANDS) assert.ok(commands.includes(command), `${command} is registered`);
    });

    test('shows the error of a broken file as a diagnostic on the offending index', async () => {
      const editor = await openFixture('broken.cein');
      const errors = await eventually('diagnostics of broken.cein', () => {
        const found = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
        return found.length > 0 ? found : undefined;
      });
      const offending = editor.document.getText(errors[0]!.range);
      assert.equal(offending, 'x', `the error underlines the index x, not "${offending}"`);
    });

    test('Export as PyTorch Module writes the module next to the .cein file and opens it', async () => {
      const expected = fixture('small_cp_cp.py');
      rmSync(expected.fsPath, { force: true });
      try {
        const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('cein.exportTorch', { uri: fixture('small-cp.cein').toString(), layer: 'cp' });
        assert.equal(written?.fsPath, expected.fsPath);
        assert.ok(existsSync(expected.fsPath), 'the file is written');
        assert.match(readFileSync(expected.fsPath, 'utf8'), /class \w+\(.*nn\.Module\)/);
        assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, expected.fsPath, 'the file is open');
      } finally {
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        rmSync(expected.fsPath, { force: true });
      }
    });
  });
}
