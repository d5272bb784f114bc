/**
 * 10,000 mutated and random documents through the built server over stdio: truncations,
 * deleted quotes, random indices, huge sizes, 16-60 operand expressions, token soup, and
 * hostile shapes (deep nesting of every construct, very long sums, operand lists and lines);
 * then a server started on a workspace folder that holds hostile files. The server
 * must stay up, publish diagnostics for every version, log no provider failure, and answer
 * every hover and code lens; a request that takes longer than STALL_MS counts as a stall (the
 * planner's budget is a fraction of that).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hover, Position } from 'vscode-languageserver-protocol';
import { LspClient } from './lsp-client.js';
import { hostileSize, mutatedDocuments } from './mutations.js';
import { seededRandom } from '../../server/src/engine/random.js';

const DOCUMENTS = 10_000;
/** Every n-th document also gets hover, code lens and inlay hint requests. */
const PROBE_EVERY = 10;
const STALL_MS = 5_000;
const SERVER = 'out/server.cjs';

const samples = readdirSync('samples').filter((f) => f.endsWith('.cein')).map((f) => readFileSync(`samples/${f}`, 'utf8'));

function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

let client: LspClient;

beforeAll(async () => {
  expect(existsSync(SERVER), `${SERVER} is missing: run npm run build (npm test does)`).toBe(true);
  client = await LspClient.start(SERVER);
});

afterAll(async () => {
  await client?.stop();
});

describe('robustness over stdio', () => {
  it(`survives ${DOCUMENTS} mutated documents with diagnostics for each and no stalled request`, async () => {
    const uri = 'file:///virtual/fuzz.cein';
    await client.open(uri, samples[0]!);
    await client.diagnosticsFor(uri);

    let slowest = { ms: 0, kind: '', request: '' };
    const timed = async <T>(request: string, kind: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await work();
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, kind, request };
      return result;
    };

    let count = 0;
    for (const { kind, text } of mutatedDocuments(samples, DOCUMENTS, 20261129)) {
      await client.change(uri, text);
      const diagnostics = await timed('diagnostics', kind, () => client.diagnosticsFor(uri, STALL_MS));
      expect(Array.isArray(diagnostics)).toBe(true);
      if (count % PROBE_EVERY === 0) {
        const position = positionAt(text, Math.floor(text.length * ((count * 7919) % 100) / 100));
        await timed('hover', kind, () => client.request('textDocument/hover', { textDocument: { uri }, position }));
        await timed('codeLens', kind, () => client.request('textDocument/codeLens', { textDocument: { uri } }));
        const end = positionAt(text, text.length);
        await timed('inlayHint', kind, () => client.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end } }));
      }
      count++;
    }
    console.log(`robustness: ${count} documents; slowest request ${slowest.ms.toFixed(0)} ms (${slowest.request} on a "${slowest.kind}" document)`);
    expect(count).toBe(DOCUMENTS);
    expect(client.alive).toBe(true);
    expect(slowest.ms, `slowest: ${slowest.request} on a "${slowest.kind}" document`).toBeLessThan(STALL_MS);
    const failures = client.stderr.join('').split('\n').filter((line) => /error|exception|failed/i.test(line));
    expect(failures, failures.slice(0, 5).join('\n')).toEqual([]);
  }, 900_000);
});

describe('a workspace folder with hostile files', () => {
  // B=2, S=3, T=4, 5x5 maps, 3x3 filter, padding same: MACs = 2*4*3*5*5*9 = 5,400.
  const GOOD = `input X[2, 3, 5, 5]
weight W[4, 3, 3, 3]
layer conv: Y = conv_einsum("bshw,tshw->bthw|hw", X, W)
`;

  it('starts, and the good file gets its diagnostics and hovers; the hostile ones get an error each', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cein-hostile-'));
    const hostile = [
      `let A = ${'('.repeat(129)}1${')'.repeat(129)}\n`,
      `let A = ${'-'.repeat(478)}1\n`,
      `let A = ${Array.from({ length: 2665 }, () => '1').join(' + ')}\n`,
      ...Array.from({ length: 5 }, (_, k) => `input X[${hostileSize(seededRandom(k + 1))}, 3]\n`),
    ];
    hostile.forEach((text, k) => writeFileSync(join(folder, `hostile-${k}.cein`), text));
    writeFileSync(join(folder, 'good.cein'), GOOD);
    const server = await LspClient.start(SERVER, folder);
    try {
      const good = pathToFileURL(join(folder, 'good.cein')).href;
      await server.open(good, GOOD);
      expect(await server.diagnosticsFor(good, STALL_MS)).toEqual([]);
      const hover = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri: good }, position: { line: 2, character: 20 } });
      const value = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
      expect(value).toContain('5,400');

      const first = pathToFileURL(join(folder, 'hostile-0.cein')).href;
      await server.open(first, hostile[0]!);
      const diagnostics = await server.diagnosticsFor(first, STALL_MS);
      expect(diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('nested too deeply')]);
      // The 33rd parenthesis, after "let A = ".
      expect(diagnostics[0]!.range.start).toEqual({ line: 0, character: 8 + 32 });
      expect(server.alive).toBe(true);
    } finally {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
