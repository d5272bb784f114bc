/**
 * The built language server (out/server.cjs) driven by a real LSP client over stdio, as an
 * editor drives it. Expected figures are worked out by hand in the comments.
 */
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeLens, Hover, InlayHint, Position, SemanticTokens } from 'vscode-languageserver-protocol';
import { acquireGpu } from '../../server/src/runtime/webgpu/dawn.js';
import { NoAdapterError, type AdapterDescription } from '../../server/src/runtime/webgpu/device.js';
import { LspClient } from './lsp-client.js';

// B=2, S=3, T=4, 5x5 maps; stride 2 and padding 1 along h: floor((5+1+1-3)/2)+1 = 3 rows.
// MACs = B*T*S*3*5*9 = 3,240; FLOPs 6,480; output 2x4x3x5.
const STANDARD = `input X[2, 3, 5, 5]
weight W[4, 3, 3, 3]
layer conv: Y = conv_einsum("bshw,tshw->bthw|hw", X, W) { h: stride 2, padding 1 }
`;
const BROKEN = STANDARD.replace('->bthw', '->bxhw');

function positionOf(text: string, needle: string, shift = 0): Position {
  const offset = text.indexOf(needle) + shift;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

/** The adapter this machine offers, found here, apart from the server; null when there is none. */
async function localAdapter(): Promise<AdapterDescription | null> {
  try {
    const gpu = await acquireGpu();
    await gpu.release();
    return gpu.adapter;
  } catch (e) {
    if (e instanceof NoAdapterError) return null;
    throw e;
  }
}
const adapter = await localAdapter();

const SERVER = 'out/server.cjs';
let client: LspClient;
const uri = 'file:///virtual/standard.cein';

beforeAll(async () => {
  expect(existsSync(SERVER), `${SERVER} is missing: run npm run build (npm test does)`).toBe(true);
  client = await LspClient.start(SERVER);
});

afterAll(async () => {
  await client?.stop();
});

describe('a real client over stdio', () => {
  it('publishes no diagnostics for a valid document, and the error at the index for a broken one', async () => {
    await client.open(uri, STANDARD);
    expect(await client.diagnosticsFor(uri)).toEqual([]);

    await client.change(uri, BROKEN);
    const diagnostics = await client.diagnosticsFor(uri);
    const unknown = diagnostics.find((d) => typeof d.message === 'string' && d.message.includes('output index x does not occur in any input'));
    expect(unknown, JSON.stringify(diagnostics)).toBeDefined();
    const at = positionOf(BROKEN, 'bxhw', 1);
    expect(unknown!.range).toEqual({ start: at, end: { line: at.line, character: at.character + 1 } });
    expect(unknown!.severity).toBe(1);

    await client.change(uri, STANDARD);
    expect(await client.diagnosticsFor(uri)).toEqual([]);
  });

  it('answers cein.plan for a file opened right after the server started, before the workspace is loaded', async () => {
    // The workspace (this repository's samples) is still loading when the request comes.
    const fresh = await LspClient.start(SERVER);
    try {
      const early = 'file:///virtual/early.cein';
      await fresh.open(early, STANDARD);
      const answer = await fresh.request<Record<string, any>>('workspace/executeCommand', { command: 'cein.plan', arguments: [{ uri: early, layer: 'conv' }] });
      expect(answer.error).toBeUndefined();
      expect(answer.plan.macs).toBe(3240);
    } finally {
      await fresh.stop();
    }
  });

  it('hovers a layer with its MACs and tree', async () => {
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(STANDARD, 'conv_einsum') });
    const value = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
    expect(value).toContain('3,240');
    expect(value).toContain('6,480');
    expect(value).toContain('2x4x3x5');
  });

  it('answers cein.plan for the layer at a document position', async () => {
    const answer = await client.request<Record<string, any>>('workspace/executeCommand', { command: 'cein.plan', arguments: [{ uri, position: positionOf(STANDARD, 'X, W') }] });
    expect(answer.layer).toBe('conv');
    expect(answer.plan.macs).toBe(3240);
    const nowhere = await client.request<Record<string, any>>('workspace/executeCommand', { command: 'cein.plan', arguments: [{ uri, position: { line: 0, character: 2 } }] });
    expect(nowhere.error).toContain('no layer or network at line 1');
  });

  it('plans with the editor settings as defaults, which a layer option overrides', async () => {
    const lensTitles = async (doc: string) => ((await client.request<CodeLens[] | null>('textDocument/codeLens', { textDocument: { uri: doc } })) ?? []).map((l) => l.command?.title ?? '');
    const cpUri = 'file:///virtual/cp.cein';
    // X[2,4,5,5], Ut, Us [2,4], Kh, Kw [2,3]: every order of this CP layer holds an intermediate
    // of at least b*r*h*w = 2*2*5*5 = 100 elements, so a cap of 10 leaves no order.
    const cp = `input X[2, 4, 5, 5]
weight Ut[2, 4]
weight Us[2, 4]
weight Kh[2, 3]
weight Kw[2, 3]
layer cp: Y = conv_einsum("bshw,rt,rs,rh,rw->bthw|hw", X, Ut, Us, Kh, Kw)
`;
    await client.open(cpUri, cp);
    await client.diagnosticsFor(cpUri);
    expect((await lensTitles(cpUri))[0]).toMatch(/FLOPs/);

    // New settings re-validate every document, which publishes its diagnostics again.
    client.forget(cpUri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { cein: { memoryCap: 10 } } });
    await client.diagnosticsFor(cpUri);
    expect((await lensTitles(cpUri))[0]).toContain('memory cap of 10 elements');

    await client.change(cpUri, cp.replace('Kh, Kw)', 'Kh, Kw) { cap 100 }'));
    await client.diagnosticsFor(cpUri);
    expect((await lensTitles(cpUri))[0]).toMatch(/FLOPs/);

    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { cein: {} } });
    await client.change(cpUri, cp);
    await client.diagnosticsFor(cpUri);
    expect((await lensTitles(cpUri))[0]).toMatch(/FLOPs/);
  });

  it('shows a code lens with the FLOPs and the Run / Benchmark / Show plan / PyTorch actions', async () => {
    const lenses = await client.request<CodeLens[] | null>('textDocument/codeLens', { textDocument: { uri } });
    const titles = (lenses ?? []).map((l) => l.command?.title ?? '');
    expect(titles.some((t) => t.startsWith('6,480 FLOPs')), titles.join(' | ')).toBe(true);
    for (const action of ['Run', 'Benchmark', 'Show plan', 'PyTorch']) expect(titles).toContain(action);
  });

  it('answers cein.torch with the layer as a PyTorch module and the name of its file', async () => {
    const answer = await client.request<Record<string, any>>('workspace/executeCommand', { command: 'cein.torch', arguments: [{ uri, layer: 'conv' }] });
    expect(answer.target).toBe('layer conv');
    expect(answer.fileName).toMatch(/_conv\.py$/);
    // W is declared [4, 3, 3, 3]: a parameter of that shape.
    expect(answer.text).toMatch(/class conv\(nn\.Module\)/);
    expect(answer.text).toContain('nn.Parameter(torch.empty(4, 3, 3, 3))');
  });

  it('shows the output shape as an inlay hint', async () => {
    const lines = STANDARD.split('\n').length;
    const hints = await client.request<InlayHint[] | null>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } });
    const labels = (hints ?? []).map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    expect(labels.some((l) => l.includes('2x4x3x5')), labels.join(' | ')).toBe(true);
  });

  it('colours conv and batch indices differently', async () => {
    const tokens = await client.request<SemanticTokens | null>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const decoded: { line: number; char: number; type: number }[] = [];
    let line = 0;
    let char = 0;
    const data = tokens?.data ?? [];
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      char = data[i]! === 0 ? char + data[i + 1]! : data[i + 1]!;
      decoded.push({ line, char, type: data[i + 3]! });
    }
    const typeAt = (p: Position) => decoded.find((t) => t.line === p.line && t.char === p.character)?.type;
    const batch = typeAt(positionOf(STANDARD, '"bshw', 1));
    const conv = typeAt(positionOf(STANDARD, '"bshw', 3));
    const contracted = typeAt(positionOf(STANDARD, '"bshw', 2));
    expect(batch).toBeDefined();
    expect(conv).toBeDefined();
    expect(contracted).toBeDefined();
    expect(new Set([batch, conv, contracted]).size).toBe(3);
  });

  it('publishes diagnostics with the version of the text they were computed from', async () => {
    const versioned = 'file:///virtual/versioned.cein';
    await client.open(versioned, STANDARD);
    expect(await client.diagnosticsFor(versioned)).toEqual([]);
    expect(client.published(versioned)?.version).toBe(1);
    const version = await client.change(versioned, BROKEN);
    await client.diagnosticsFor(versioned);
    expect(client.published(versioned)?.version).toBe(version);
    expect(client.published(versioned)?.items.some((d) => String(d.message).includes('output index x'))).toBe(true);
  });

  it('answers a hover sent right after didOpen, while the server is still loading the workspace', async () => {
    // The workspace folder (this repository, with its samples) is still being built when the
    // document is opened, so the document's own build waits in line behind it.
    const starting = await LspClient.start(SERVER);
    try {
      const fresh = 'file:///virtual/fresh.cein';
      const opened = starting.open(fresh, STANDARD);
      const hover = starting.request<Hover | null>('textDocument/hover', { textDocument: { uri: fresh }, position: positionOf(STANDARD, 'conv_einsum') });
      await opened;
      const answer = await hover;
      const value = answer && typeof answer.contents === 'object' && 'value' in answer.contents ? answer.contents.value : '';
      expect(value).toContain('3,240');
    } finally {
      await starting.stop();
    }
  });

  it('validates every sample with zero diagnostics', async () => {
    for (const name of ['cp', 'tucker', 'tt', 'tr', 'cp-resnet34']) {
      const sampleUri = pathToFileURL(`samples/${name}.cein`).href;
      await client.open(sampleUri, readFileSync(`samples/${name}.cein`, 'utf8'));
      expect(await client.diagnosticsFor(sampleUri), name).toEqual([]);
    }
    expect(client.alive).toBe(true);
  });

  it('runs and benchmarks the layer on WebGPU through workspace/executeCommand, checked against float64', async () => {
    const run = await client.request<Record<string, any>>('workspace/executeCommand', { command: 'cein.run', arguments: [{ uri, layer: 'conv' }] });
    expect(run.error, run.error).toBeUndefined();
    expect(run.layer).toBe('conv');
    expect(run.output.shape).toEqual([2, 4, 3, 5]);
    if (!adapter && process.env.CEIN_REQUIRE_WEBGPU !== '1') {
      // The default backend, auto, falls back to the float64 CPU run and says why.
      expect(run.backend).toBe('cpu');
      expect(run.notice).toMatch(/^no WebGPU adapter, so it ran on the CPU/);
      expect(run.check).toBeNull();
      console.warn('\n!!! cein.run and cein.bench on WebGPU over LSP SKIPPED: no WebGPU adapter here; checked the CPU fallback instead\n!!! (set CEIN_REQUIRE_WEBGPU=1 to make this fail)\n');
      return;
    }
    expect(run.backend).toBe('webgpu');
    expect(run.adapter.name).toBe(adapter?.name);
    // f32 on the device against the float64 reference: max abs error <= 1e-4 x max|y|.
    expect(run.check.ok).toBe(true);
    expect(run.check.maxAbsError).toBeLessThanOrEqual(1e-4 * run.check.maxAbsReference);

    const settings = { backend: 'auto', benchmarkRepeats: 3 };
    const bench = await client.request<Record<string, any>>('workspace/executeCommand', { command: 'cein.bench', arguments: [{ uri, layer: 'conv' }, settings] });
    expect(bench.error, bench.error).toBeUndefined();
    expect(bench.repeats).toBe(3);
    const optimal = bench.plans.find((p: { name: string }) => p.name === 'optimal');
    expect(optimal.macs).toBe(3240);
    expect(optimal.time.medianMs).toBeGreaterThan(0);
    expect(optimal.check.ok).toBe(true);
  }, 120_000);

  it('runs on the CPU with backend cpu, and refuses to benchmark there', async () => {
    const cpu = await client.request<Record<string, any>>('workspace/executeCommand', { command: 'cein.run', arguments: [{ uri, layer: 'conv' }, { backend: 'cpu' }] });
    expect(cpu.error, cpu.error).toBeUndefined();
    expect(cpu.backend).toBe('cpu');
    expect(cpu.output.shape).toEqual([2, 4, 3, 5]);
    const cpuBench = await client.request<Record<string, any>>('workspace/executeCommand', { command: 'cein.bench', arguments: [{ uri, layer: 'conv' }, { backend: 'cpu' }] });
    expect(cpuBench.error).toContain('benchmarks compare plans on the WebGPU device');
  }, 120_000);
});
