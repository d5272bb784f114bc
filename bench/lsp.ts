/**
 * Language-server latency through a real client over stdio: hover and code lens p50/p95 over
 * the samples, and diagnostics time for a 300-line file. Writes bench/reports/lsp.json.
 * Targets: hover p95 < 20 ms; diagnostics < 100 ms.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../test/lsp/lsp-client.js';
import { machine } from './machine.js';

const REPEATS = 5;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function stats(values: number[]) {
  return { count: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values) };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

function positionsOf(text: string, pattern: RegExp) {
  return [...text.matchAll(pattern)].map((m) => {
    const before = text.slice(0, m.index!).split('\n');
    return { line: before.length - 1, character: before.at(-1)!.length };
  });
}

/** A 300-line file: CP layers in a chain, each with its own four factors. */
function longFile(lines: number): string {
  const out = ['let B = 32', 'let C = 64', 'let R = 16', 'input X0[B, C, 32, 32]'];
  for (let i = 1; out.length + 6 <= lines; i++) {
    out.push(`weight U${i}[R, C]`, `weight V${i}[R, C]`, `weight H${i}[R, 3]`, `weight W${i}[R, 3]`);
    out.push(`layer l${i}: X${i} = conv_einsum("bshw,rt,rs,rh,rw->bthw|hw", X${i - 1}, U${i}, V${i}, H${i}, W${i})`, '');
  }
  while (out.length < lines) out.push('// padding line');
  return out.join('\n');
}

async function main(): Promise<void> {
  const client = await LspClient.start('out/server.cjs');
  const hoverCold: number[] = [];
  const hoverWarm: number[] = [];
  const lensCold: number[] = [];
  const lensWarm: number[] = [];

  for (const file of readdirSync('samples').filter((f) => f.endsWith('.cein'))) {
    const text = readFileSync(`samples/${file}`, 'utf8');
    const uri = pathToFileURL(`samples/${file}`).href;
    await client.open(uri, text);
    await client.diagnosticsFor(uri);
    const targets = positionsOf(text, /conv_einsum|"[^"]*"/g);
    for (let r = 0; r < REPEATS; r++) {
      // An edit drops the cached plans, as typing does; the first request after it plans again.
      await client.change(uri, `${text}${' '.repeat(r + 1)}`);
      await client.diagnosticsFor(uri);
      lensCold.push(await timed(() => client.request('textDocument/codeLens', { textDocument: { uri } })));
      lensWarm.push(await timed(() => client.request('textDocument/codeLens', { textDocument: { uri } })));
      for (const position of targets) {
        hoverWarm.push(await timed(() => client.request('textDocument/hover', { textDocument: { uri }, position })));
      }
    }
    for (let r = 0; r < REPEATS; r++) {
      await client.change(uri, `${text}\n${'\n'.repeat(r)}`);
      await client.diagnosticsFor(uri);
      const position = targets[r % targets.length]!;
      hoverCold.push(await timed(() => client.request('textDocument/hover', { textDocument: { uri }, position })));
    }
    await client.close(uri);
  }

  const long = longFile(300);
  const longUri = 'file:///virtual/long.cein';
  await client.open(longUri, long);
  await client.diagnosticsFor(longUri);
  // The first edits run while the JIT warms up; they are reported apart from the warm ones.
  const diagnostics: number[] = [];
  const firstEdits: number[] = [];
  for (let r = 0; r < 30; r++) {
    const version = `${long}\n// edit ${r}`;
    const ms = await timed(async () => {
      await client.change(longUri, version);
      await client.diagnosticsFor(longUri);
    });
    (r < 10 ? firstEdits : diagnostics).push(ms);
  }
  await client.stop();

  const report = {
    benchmark: 'lsp',
    date: new Date().toISOString(),
    machine: machine(),
    hoverAfterEditMs: stats(hoverCold),
    hoverMs: stats(hoverWarm),
    codeLensAfterEditMs: stats(lensCold),
    codeLensMs: stats(lensWarm),
    diagnostics300LinesMs: stats(diagnostics),
    diagnostics300LinesFirstEditsMs: stats(firstEdits),
    targets: {
      hoverP95Under20ms: { p95: Math.max(percentile(hoverWarm, 95), percentile(hoverCold, 95)), met: Math.max(percentile(hoverWarm, 95), percentile(hoverCold, 95)) < 20 },
      diagnosticsUnder100ms: { p95: percentile(diagnostics, 95), met: percentile(diagnostics, 95) < 100 },
    },
  };
  mkdirSync('bench/reports', { recursive: true });
  writeFileSync('bench/reports/lsp.json', `${JSON.stringify(report, null, 2)}\n`);
  const show = (name: string, s: ReturnType<typeof stats>) => console.log(`${name.padEnd(24)} p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (${s.count})`);
  show('hover', report.hoverMs);
  show('hover after an edit', report.hoverAfterEditMs);
  show('code lens', report.codeLensMs);
  show('code lens after an edit', report.codeLensAfterEditMs);
  show('diagnostics, 300 lines', report.diagnostics300LinesMs);
  show('  its first 10 edits', report.diagnostics300LinesFirstEditsMs);
  console.log('report: bench/reports/lsp.json');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
