/**
 * An editor asks for a file's outline, folding, lenses, hints, tokens, hover and the plan view's
 * plan as soon as the file opens or changes, before the server has linked it. The built server,
 * with the samples folder as its workspace, must make those requests wait for the linking:
 * answers computed from resolved references, and no Langium warning "Attempted reference
 * resolution before document reached ComputedScopes state" in its log.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSymbol, Position } from 'vscode-languageserver-protocol';
import { LspClient } from './lsp-client.js';

const SAMPLES = resolve('samples');
const sampleFiles = readdirSync(SAMPLES).filter((name) => name.endsWith('.cein')).sort();
const uriOf = (name: string) => pathToFileURL(resolve(SAMPLES, name)).href;

function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

/**
 * Every tensor's shape worked out from the text alone: sizes are integers or `let` constants of
 * integer arithmetic, e.g. `let R1 = 64 / 4` and `weight s1b1a_t[R1, 64]` -> s1b1a_t: "16x64".
 */
function declaredShapes(text: string): Map<string, string> {
  const constants = new Map<string, number>();
  for (const [, name, value] of text.matchAll(/\blet\s+(\w+)\s*=\s*([\d\s+\-*/()]+)$/gm)) constants.set(name!, Number(new Function(`return ${value}`)()));
  const shapes = new Map<string, string>();
  for (const [, name, dims] of text.matchAll(/\b(?:input|weight|const)\s+(\w+)\s*\[([^\]]*)\]/g)) {
    const sizes = dims!.split(',').map((d) => d.trim()).map((d) => (/^\d+$/.test(d) ? Number(d) : constants.get(d)));
    if (sizes.every((size) => size !== undefined)) shapes.set(name!, sizes.join('x'));
  }
  return shapes;
}

function flatten(symbols: readonly DocumentSymbol[]): DocumentSymbol[] {
  return symbols.flatMap((symbol) => [symbol, ...flatten(symbol.children ?? [])]);
}

const referenceWarnings = (client: LspClient) => [...client.logs, ...client.stderr].filter((line) => line.includes('reference resolution'));

let client: LspClient;

beforeAll(async () => {
  client = await LspClient.start('out/server.cjs', SAMPLES);
});

afterAll(async () => {
  await client?.stop();
});

describe('requests sent before a document is linked', () => {
  it('cein.plan for a workspace file, asked for while the workspace is still loading, answers the plan', async () => {
    // samples/standard.cein: B=128, S=T=64, 32x32 maps, 3x3 kernel, padding same: one step of
    // B*T*S*32*32*9 = 128*64*64*1024*9 MACs.
    const answer = await client.request<Record<string, any>>('workspace/executeCommand', { command: 'cein.plan', arguments: [{ uri: uriOf('standard.cein'), layer: 'conv' }] });
    expect(answer.error, answer.error).toBeUndefined();
    expect(answer.plan.macs).toBe(128 * 64 * 64 * 1024 * 9);
  });

  it('wait for the linking: outline details and plans come from resolved references, and nothing warns', async () => {
    expect(sampleFiles.length).toBeGreaterThan(10);
    const requestsOf = (uri: string, text: string) => {
      const layer = positionOf(text, text.indexOf('conv_einsum'));
      const lines = text.split('\n').length;
      return Promise.all([
        client.request<DocumentSymbol[] | null>('textDocument/documentSymbol', { textDocument: { uri } }),
        client.request<Record<string, any>>('workspace/executeCommand', { command: 'cein.plan', arguments: [{ uri, position: layer }] }),
        client.request('textDocument/foldingRange', { textDocument: { uri } }),
        client.request('textDocument/codeLens', { textDocument: { uri } }),
        client.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } }),
        client.request('textDocument/semanticTokens/full', { textDocument: { uri } }),
        client.request('textDocument/hover', { textDocument: { uri }, position: layer }),
      ]);
    };
    const check = (name: string, text: string, [symbols, plan]: [DocumentSymbol[] | null, Record<string, any>, ...unknown[]]) => {
      const details = new Map(flatten(symbols ?? []).map((s) => [s.name, s.detail]));
      const shapes = declaredShapes(text);
      expect(shapes.size, name).toBeGreaterThan(0);
      for (const [tensor, shape] of shapes) expect(details.get(tensor), `${name}: ${tensor}`).toBe(shape);
      expect(plan.error, `${name}: ${plan.error}`).toBeUndefined();
      expect(plan.plan?.macs ?? plan.totals?.macs, name).toBeGreaterThan(0);
    };

    for (const name of sampleFiles) {
      const uri = uriOf(name);
      const text = readFileSync(resolve(SAMPLES, name), 'utf8');
      await client.open(uri, text);
      check(name, text, await requestsOf(uri, text));
      const edited = `${text}\n// edited\n`;
      await client.change(uri, edited);
      check(`${name} (edited)`, edited, await requestsOf(uri, edited));
      expect(await client.diagnosticsFor(uri, 30_000), name).toEqual([]);
    }
    expect(referenceWarnings(client)).toEqual([]);
    expect(client.alive).toBe(true);
  }, 120_000);
});
