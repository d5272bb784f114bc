import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LayerPlanResult, RunReport } from '../../../client/src/protocol.js';
import { eventually, fixture, openFixture } from './workspace.js';

export function layerTests(): void {
  suite('layer commands', () => {
    const target = () => ({ uri: fixture('small-cp.cein').toString(), layer: 'cp' });

    test('the code lens shows the cost of the layer', async () => {
      const editor = await openFixture('small-cp.cein');
      const titles = await eventually('code lenses', async () => {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
        const found = (lenses ?? []).map((lens) => lens.command?.title ?? '');
        return found.some((title) => title.includes('FLOPs')) ? found : undefined;
      });
      assert.ok(titles.includes('Run') && titles.includes('Show plan'), `lenses: ${titles.join(' | ')}`);
    });

    test('Run returns a result checked against the reference', async () => {
      const report = await vscode.commands.executeCommand<RunReport | undefined>('cein.runLayer', target());
      assert.ok(report, 'the run answered');
      assert.deepEqual(report.outputShape, [2, 8, 8, 8]);
      assert.ok(report.check, 'the result was checked');
      assert.ok(report.check.relativeError < 1e-4, `relative error ${report.check.relativeError}`);
    });

    test('Run acts on the layer at the cursor', async () => {
      const editor = await openFixture('small-cp.cein');
      const line = editor.document.getText().split('\n').findIndex((text) => text.startsWith('layer cp'));
      editor.selection = new vscode.Selection(line, 20, line, 20);
      const report = await vscode.commands.executeCommand<RunReport | undefined>('cein.runLayer');
      assert.equal(report?.layer, 'cp');
    });

    test("a code lens's Run goes through the same handler and answers the report", async () => {
      const report = await vscode.commands.executeCommand<RunReport | undefined>('cein.run', target());
      assert.equal(report?.layer, 'cp');
      assert.ok(report?.check, 'the result was checked');
    });

    test('Export Plan writes the engine plan as JSON', async () => {
      const file = vscode.Uri.file(join(mkdtempSync(join(tmpdir(), 'cein-plan-')), 'cp.plan.json'));
      await vscode.commands.executeCommand('cein.exportPlan', target(), file);
      const written = JSON.parse(readFileSync(file.fsPath, 'utf8')) as LayerPlanResult;
      assert.equal(written.layer, 'cp');
      assert.equal(written.plan.expression, 'bshw,rt,rs,rh,rw->bthw|hw');
      assert.equal(written.plan.steps.length, 4);
    });

    test('Show Contraction Tree opens the plan view', async () => {
      await vscode.commands.executeCommand('cein.showPlan', target());
      const tab = await eventually('the cein Plan tab', () =>
        vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((t) => t.label.startsWith('cein Plan')),
      );
      assert.ok(tab.input instanceof vscode.TabInputWebview);
    });
  });
}
