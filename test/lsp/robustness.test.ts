/**
 * 10,000 mutated and random documents through the built server over stdio: truncations,
 * deleted quotes, random indices, huge sizes, 16-60 operand expressions, token soup. The server
 * must stay up, publish diagnostics for every version, log no provider failure, and answer
 * every hover and code lens; a request that takes longer than STALL_MS counts as a stall (the
 * planner's budget is a fraction of that).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Position } from 'vscode-languageserver-protocol';
import { LspClient } from './lsp-client.js';
import { mutatedDocuments } from './mutations.js';

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
