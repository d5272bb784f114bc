import { EmptyFileSystem } from 'langium';
import { parseHelper } from 'langium/test';
import { describe, expect, test } from 'vitest';
import { CancellationToken } from 'vscode-languageserver';
import { createCeinLanguageServer } from '../../server/src/lsp/cein-lsp-module.js';
import type { LayerRunRequest } from '../../server/src/lsp/run-hook.js';
import { parseDocument, services, SMALL_CP } from './cein-test-kit.js';

const execute = (name: string, target: unknown) => services.shared.lsp.ExecuteCommandHandler!.executeCommand(name, [target], CancellationToken.None);

describe('commands', () => {
  test('the server offers cein.plan, cein.run, cein.bench, cein.fit and cein.torch', () => {
    expect([...services.shared.lsp.ExecuteCommandHandler!.commands].sort()).toEqual(['cein.bench', 'cein.fit', 'cein.plan', 'cein.run', 'cein.torch']);
  });

  test('cein.plan on a layer answers the plan as JSON', async () => {
    const document = await parseDocument(SMALL_CP);
    const answer = (await execute('cein.plan', { uri: document.uri.toString(), layer: 'cp' })) as { layer: string; operands: unknown[]; plan: { macs: number; naiveMacs: number } };
    // 1,400 and 5,600 MACs: hand computed in hover.test.ts.
    expect(answer.layer).toBe('cp');
    expect(answer.operands).toEqual([
      { name: 'X', shape: [2, 4, 5, 5] }, { name: 'Ut', shape: [2, 4] }, { name: 'Us', shape: [2, 4] }, { name: 'Kh', shape: [2, 3] }, { name: 'Kw', shape: [2, 3] },
    ]);
    expect([answer.plan.macs, answer.plan.naiveMacs]).toEqual([1400, 5600]);
    expect(JSON.parse(JSON.stringify(answer))).toEqual(answer);
  });

  test('cein.plan on a network answers every layer and the totals', async () => {
    const document = await parseDocument('input X[2, 3]\nweight A[3, 4]\nweight B[4, 5]\nnetwork n(X) {\n  layer a: Y1 = conv_einsum("ij,jk->ik", X, A)\n  layer b: Y2 = conv_einsum("ik,kl->il", Y1, B)\n}\n');
    const answer = (await execute('cein.plan', { uri: document.uri.toString(), network: 'n' })) as { layers: { layer: string }[]; totals: { macs: number } };
    expect(answer.layers.map((l) => l.layer)).toEqual(['a', 'b']);
    expect(answer.totals.macs).toBe(24 + 40);
  });

  test('a target that does not exist, or a layer with problems, gets an error answer', async () => {
    const document = await parseDocument('input X[2, 3]\nlayer l: Y = conv_einsum("ij->ix", X)\n');
    const uri = document.uri.toString();
    expect(await execute('cein.plan', { uri, layer: 'nope' })).toEqual({ error: `no layer nope in ${uri}` });
    expect(await execute('cein.plan', { uri, layer: 'l' })).toEqual({ error: 'layer l has problems; fix them first' });
    expect(await execute('cein.plan', undefined)).toEqual({ error: 'missing target: { uri, layer?, network? }' });
  });

  test('cein.run without a runtime says so', async () => {
    const document = await parseDocument(SMALL_CP);
    expect(await execute('cein.run', { uri: document.uri.toString(), layer: 'cp' })).toEqual({ error: 'no runtime is available in this build of the language server' });
  });

  test('cein.run and cein.bench hand the planned layer to the runtime', async () => {
    const requests: LayerRunRequest[] = [];
    const server = createCeinLanguageServer(EmptyFileSystem, { runner: { run: async (request) => (requests.push(request), { ok: true }) } });
    const document = await parseHelper(server.cein)(SMALL_CP);
    const handler = server.shared.lsp.ExecuteCommandHandler!;
    expect(await handler.executeCommand('cein.run', [{ uri: document.uri.toString(), layer: 'cp' }], CancellationToken.None)).toEqual({ ok: true });
    await handler.executeCommand('cein.bench', [{ uri: document.uri.toString(), layer: 'cp' }], CancellationToken.None);
    expect(requests.map((r) => [r.kind, r.layer, r.expression, r.plan.macs, r.options.requiresGrad])).toEqual([
      ['run', 'cp', 'bshw,rt,rs,rh,rw->bthw|hw', 1400, [false, true, true, true, true]],
      ['bench', 'cp', 'bshw,rt,rs,rh,rw->bthw|hw', 1400, [false, true, true, true, true]],
    ]);
  });
});
