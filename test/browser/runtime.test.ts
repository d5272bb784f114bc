/**
 * The browser runtime in Debian's chromium: the harness page (test/browser/harness/) speaks LSP
 * to out/browser/language-worker.js, which runs cein.run and cein.bench in the nested runtime
 * worker on the page's own WebGPU (SwiftShader, headless), or on the CPU float64 reference
 * where the browser has no adapter.
 *
 * Chromium: CI sets CEIN_REQUIRE_WEBGPU=1, and there a missing chromium, bundle or adapter fails
 * the suite; elsewhere it is skipped with a notice that says so.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planExpression } from '../../server/src/engine/planner.js';
// @ts-expect-error: a plain ESM script without types
import { harnessMissing, openHarness } from '../../scripts/browser-harness.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const URI = 'file:///samples/cp.cein';
// The CP sample with a batch of 2 instead of 128, so that the float64 check takes a moment.
const CP_TEXT = readFileSync(resolve(ROOT, 'samples/cp.cein'), 'utf8').replace('let B = 128', 'let B = 2');
const TOLERANCE = 1e-4;
/** A robustness bound on the page's timer lateness while a plan runs in the workers, not a speed target. */
const STALL_BOUND_MS = 500;

type Harness = { page: Page; console: string[]; close: () => Promise<void> };

/** The harness, or null (with a loud notice) where chromium or a bundle is missing and CEIN_REQUIRE_WEBGPU is not set. */
async function harness(webgpu: boolean): Promise<Harness | null> {
  const skip = (reason: string) => {
    if (process.env.CEIN_REQUIRE_WEBGPU === '1') throw new Error(`CEIN_REQUIRE_WEBGPU=1 but ${reason}`);
    console.warn(`\n!!! browser runtime tests SKIPPED: ${reason}\n!!! (set CEIN_REQUIRE_WEBGPU=1 to make this fail the tests)\n`);
    return null;
  };
  const missing = harnessMissing(ROOT);
  if (missing) return skip(missing);
  const opened = (await openHarness(ROOT, { webgpu })) as Harness;
  if (webgpu && !(await opened.page.evaluate(() => (window as any).harness.adapterInfo()))) {
    await opened.close();
    return skip('chromium offers no WebGPU adapter with the SwiftShader flags');
  }
  return opened;
}

/** Starts the language server in the page, opens the CP sample and returns the target its Run lens carries. */
async function openSample(page: Page): Promise<unknown[]> {
  const commands = await page.evaluate(() => (window as any).harness.start());
  expect(commands).toEqual(expect.arrayContaining(['cein.run', 'cein.bench']));
  await page.evaluate(([uri, text]) => (window as any).harness.open(uri, text), [URI, CP_TEXT]);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const lenses: { command?: { command: string; arguments: unknown[] } }[] = await page.evaluate((uri) => (window as any).harness.codeLenses(uri), URI);
    const run = lenses.find((lens) => lens.command?.command === 'cein.run');
    if (run) return run.command!.arguments;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error('no Run lens on the CP sample within 30 s');
}

function command(page: Page, name: string, args: unknown[]): Promise<any> {
  return page.evaluate(([name, args]) => (window as any).harness.command(name, args), [name, args] as const);
}

describe('the browser runtime on WebGPU (chromium, SwiftShader)', () => {
  let opened: Harness | null = null;
  let target: unknown[] = [];

  beforeAll(async () => {
    opened = await harness(true);
    if (opened) target = await openSample(opened.page);
  }, 90_000);

  afterAll(async () => {
    await opened?.close();
  });

  it('runs the code lens target on the page\'s WebGPU, names the SwiftShader adapter and agrees with the float64 reference', async ({ skip }) => {
    if (!opened) return skip();
    expect(target).toEqual([{ uri: URI, layer: 'cp' }]);
    const answer = await command(opened.page, 'cein.run', target);
    expect(answer.error, JSON.stringify(answer)).toBeUndefined();
    expect(answer.backend).toBe('webgpu');
    expect(answer.adapter.backend).toBe('browser');
    expect(`${answer.adapter.name} ${answer.adapter.architecture}`).toMatch(/swiftshader/i);
    expect(answer.adapter.software).toBe(true);
    // B=2, T=64, 32x32 maps kept by the default 'same' padding of the 3x3 filters (docs/semantics.md section 2).
    expect(answer.output.shape).toEqual([2, 64, 32, 32]);
    expect(answer.check.ok).toBe(true);
    expect(answer.check.maxAbsReference).toBeGreaterThan(0);
    expect(answer.check.maxAbsError).toBeLessThanOrEqual(TOLERANCE * answer.check.maxAbsReference);
    // The runtime worker's progress reaches the client as work-done progress, naming the adapter.
    const progress: [string, string][] = await opened.page.evaluate(() => (window as any).harness.progress());
    expect(progress.some(([kind, message]) => kind === 'report' && /swiftshader.*browser WebGPU/i.test(message)), JSON.stringify(progress)).toBe(true);
  });

  it('computes what a direct loop here computes, for a small CP layer sent straight to the runtime worker', async ({ skip }) => {
    if (!opened) return skip();
    const [B, S, T, H, W, R] = [2, 4, 5, 6, 7, 3];
    const shapes = [[B, S, H, W], [R, T], [R, S], [R, 3], [R, 3]];
    const plan = planExpression('bshw,rt,rs,rh,rw->bthw|hw', shapes);
    let state = 12345;
    const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const data = shapes.map((shape) => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, next));
    const [x, ut, us, kh, kw] = data as [number[], number[], number[], number[], number[]];
    const output: { shape: number[]; data: number[] } = await opened.page.evaluate(
      (job) => (window as any).harness.runtimeJob(job).then((r: any) => ({ shape: r.output.shape, data: Array.from(r.output.data) })),
      { kind: 'run', request: { plan, inputs: { kind: 'tensors', tensors: shapes.map((shape, k) => ({ shape, data: data[k] })) } } },
    );
    expect(output.shape).toEqual([B, T, H, W]);
    // Y[b,t,h,w] = sum over r, s, i, j of X[b,s,h+i-1,w+j-1] Ut[r,t] Us[r,s] Kh[r,i] Kw[r,j], zeros outside (padding 'same': 1 and 1).
    let worst = 0;
    let scale = 0;
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++) {
            let sum = 0;
            for (let r = 0; r < R; r++)
              for (let s = 0; s < S; s++)
                for (let i = 0; i < 3; i++)
                  for (let j = 0; j < 3; j++) {
                    const [y, z] = [h + i - 1, w + j - 1];
                    if (y < 0 || y >= H || z < 0 || z >= W) continue;
                    sum += x[((b * S + s) * H + y) * W + z]! * ut[r * T + t]! * us[r * S + s]! * kh[r * 3 + i]! * kw[r * 3 + j]!;
                  }
            worst = Math.max(worst, Math.abs(output.data[((b * T + t) * H + h) * W + w]! - sum));
            scale = Math.max(scale, Math.abs(sum));
          }
    expect(scale).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(TOLERANCE * scale);
  });

  it('answers cein.bench with timings per plan, while the page stays responsive', async ({ skip }) => {
    if (!opened) return skip();
    const timed = await opened.page.evaluate((args) => (window as any).harness.commandTimed('cein.bench', args), [...target, { benchmarkRepeats: 3 }]);
    const answer = timed.result;
    expect(answer.error, JSON.stringify(answer).slice(0, 500)).toBeUndefined();
    expect(`${answer.adapter.name} ${answer.adapter.architecture}`).toMatch(/swiftshader/i);
    expect(answer.repeats).toBe(3);
    expect(answer.plans.map((p: { name: string }) => p.name)).toEqual(['optimal', 'left-to-right', 'rebuilt-kernel']);
    const optimal = answer.plans[0];
    expect(optimal.time.runs).toBe(3);
    expect(optimal.time.medianMs).toBeGreaterThan(0);
    expect(optimal.time.minMs).toBeLessThanOrEqual(optimal.time.medianMs);
    expect(optimal.check.ok).toBe(true);
    expect(optimal.steps.length).toBeGreaterThan(0);
    // The bench ran in the workers: the page's 10 ms timer kept firing, never late by much.
    expect(timed.ticks).toBeGreaterThan(10);
    expect(timed.worstLatencyMs).toBeLessThan(STALL_BOUND_MS);
  }, 180_000);
});

describe('the browser runtime without WebGPU (chromium without the flags)', () => {
  let opened: Harness | null = null;
  let target: unknown[] = [];

  beforeAll(async () => {
    opened = await harness(false);
    if (opened) target = await openSample(opened.page);
  }, 90_000);

  afterAll(async () => {
    await opened?.close();
  });

  it('runs the same target on the CPU float64 reference in the worker, with the notice', async ({ skip }) => {
    if (!opened) return skip();
    expect(await opened.page.evaluate(() => (window as any).harness.adapterInfo())).toBeNull();
    const answer = await command(opened.page, 'cein.run', target);
    expect(answer.error, JSON.stringify(answer)).toBeUndefined();
    expect(answer.backend).toBe('cpu');
    expect(answer.notice).toMatch(/^no WebGPU adapter in this browser.*: ran on the CPU float64 reference$/);
    expect(answer.output.shape).toEqual([2, 64, 32, 32]);
    expect(answer.runMs).toBeGreaterThan(0);
  });

  it('answers a benchmark with the reason it cannot run', async ({ skip }) => {
    if (!opened) return skip();
    const answer = await command(opened.page, 'cein.bench', target);
    expect(answer.error).toMatch(/no WebGPU adapter in this browser/);
  });
});
