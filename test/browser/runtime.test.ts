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
import { readBenchAnswer, readRunAnswer } from '../../client/src/answers.js';
import { planExpression } from '../../server/src/engine/planner.js';
import type { Tensor } from '../../server/src/runtime/cpu/tensor.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { conv2d, cpKernel, expectClose, paddingOf } from '../runtime/reference.js';
// @ts-expect-error: a plain ESM script without types
import { harnessMissing, openHarness } from '../../scripts/browser-harness.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const URI = 'file:///samples/cp.cein';
// The CP sample with a batch of 2 instead of 128, so that the float64 check takes a moment.
const CP_TEXT = readFileSync(resolve(ROOT, 'samples/cp.cein'), 'utf8').replace('let B = 128', 'let B = 2');
const TOLERANCE = 1e-4;
/**
 * A robustness bound on the page's timer lateness while a plan runs in the workers, not a speed
 * target: a plan on the page's thread would freeze it for the whole float64 run (seconds), while
 * two cores shared with other work have delayed a free page's timer by up to about 0.7 s.
 */
const STALL_BOUND_MS = 1500;

type Harness = { page: Page; log: string[]; close: () => Promise<void> };

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

/** The harness and the CP sample's Run target for a describe block: opened before its tests, closed after. */
function harnessForBlock(webgpu: boolean): { opened: Harness | null; target: unknown[] } {
  const session: { opened: Harness | null; target: unknown[] } = { opened: null, target: [] };
  beforeAll(async () => {
    session.opened = await harness(webgpu);
    if (session.opened) session.target = await openSample(session.opened.page);
  }, 90_000);
  afterAll(async () => {
    await session.opened?.close();
  });
  return session;
}

describe('the browser runtime on WebGPU (chromium, SwiftShader)', () => {
  const session = harnessForBlock(true);

  it('runs the code lens target on the page\'s WebGPU, names the SwiftShader adapter and agrees with the float64 reference', async ({ skip }) => {
    if (!session.opened) return skip();
    expect(session.target).toEqual([{ uri: URI, layer: 'cp' }]);
    const answer = await command(session.opened.page, 'cein.run', session.target);
    expect(answer.error, `${JSON.stringify(answer)}\npage log:\n${session.opened.log.join('\n')}`).toBeUndefined();
    expect(answer.backend).toBe('webgpu');
    expect(answer.adapter.backend).toBe('browser');
    expect(`${answer.adapter.name} ${answer.adapter.architecture}`).toMatch(/swiftshader/i);
    expect(answer.adapter.software).toBe(true);
    // B=2, T=64, 32x32 maps kept by the default 'same' padding of the 3x3 filters (docs/semantics.md section 2).
    expect(answer.output.shape).toEqual([2, 64, 32, 32]);
    expect(answer.check.ok).toBe(true);
    expect(answer.check.maxAbsReference).toBeGreaterThan(0);
    expect(answer.check.maxAbsError).toBeLessThanOrEqual(TOLERANCE * answer.check.maxAbsReference);
    // The extension's client reads it as it reads the Node server's answer.
    const report = readRunAnswer(answer, { uri: URI, layer: 'cp' });
    expect(report).toMatchObject({ layer: 'cp', backend: 'webgpu', adapter: 'google swiftshader (browser WebGPU, software)', outputShape: [2, 64, 32, 32] });
    expect(report.check?.ok).toBe(true);
    expect(report.runMs).toBeGreaterThan(0);
    // The runtime worker's progress reaches the client as work-done progress, naming the adapter.
    const progress: [string, string][] = await session.opened.page.evaluate(() => (window as any).harness.progress());
    expect(progress.some(([kind, message]) => kind === 'report' && /swiftshader.*browser WebGPU/i.test(message)), JSON.stringify(progress)).toBe(true);
  });

  it('computes what a direct loop here computes, for a small CP layer sent straight to the runtime worker', async ({ skip }) => {
    if (!session.opened) return skip();
    const [B, S, T, H, W, R] = [2, 4, 5, 6, 7, 3];
    const shapes = [[B, S, H, W], [R, T], [R, S], [R, 3], [R, 3]];
    const plan = planExpression('bshw,rt,rs,rh,rw->bthw|hw', shapes);
    const random = seeded(12345);
    const [x, ut, us, kh, kw] = shapes.map((shape) => randomTensor(shape, random)) as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const output: { shape: number[]; data: number[] } = await session.opened.page.evaluate(
      (job) => (window as any).harness.runtimeJob(job).then((r: any) => ({ shape: r.output.shape, data: Array.from(r.output.data) })),
      { kind: 'run', request: { plan, inputs: { kind: 'tensors', tensors: [x, ut, us, kh, kw].map((t) => ({ shape: t.shape, data: Array.from(t.data) })) } } },
    );
    // The test's own loops: the CP kernel W[t,s,i,j] = sum_r Ut[r,t] Us[r,s] Kh[r,i] Kw[r,j], then a 3x3 convolution with zero padding 'same'.
    const same = { stride: 1, dilation: 1, ...paddingOf('same', 3, 1), mode: 'zeros' as const };
    const expected = conv2d(x, cpKernel(ut, us, kh, kw), same, same);
    expect(Math.max(...expected.data.map(Math.abs))).toBeGreaterThan(0);
    expectClose({ shape: output.shape, data: Float64Array.from(output.data) }, expected, TOLERANCE);
  });

  it('answers cein.bench with timings per plan, while the page stays responsive', async ({ skip }) => {
    if (!session.opened) return skip();
    const timed = await session.opened.page.evaluate((args) => (window as any).harness.commandTimed('cein.bench', args), [...session.target, { benchmarkRepeats: 3 }]);
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
    const report = readBenchAnswer(answer, { uri: URI, layer: 'cp' });
    expect(report.orders.map((o) => o.order)).toEqual(['optimal', 'left-to-right', 'rebuilt-kernel']);
    expect(report.orders[0]!.medianMs).toBe(optimal.time.medianMs);
    // The bench ran in the workers: the page's 10 ms timer kept firing, never late by much.
    expect(timed.ticks).toBeGreaterThan(10);
    expect(timed.worstLatencyMs).toBeLessThan(STALL_BOUND_MS);
    // The measurement does see a page that blocks.
    const blocked = await session.opened.page.evaluate(() => (window as any).harness.blockedPageLatency(2000));
    expect(blocked.worstLatencyMs).toBeGreaterThan(1900);
  }, 180_000);

  it('stops a cancelled run at once, terminating its worker, so that the next run does not wait for it', async ({ skip }) => {
    if (!session.opened) return skip();
    // The CP sample at batch 256 on the CPU reference: a float64 run of many seconds that blocks its worker's thread.
    const big = 'file:///samples/cp-256.cein';
    await session.opened.page.evaluate(([uri, text]) => (window as any).harness.open(uri, text), [big, CP_TEXT.replace('let B = 2', 'let B = 256')]);
    const cancelled = await session.opened.page.evaluate((args) => (window as any).harness.commandCancelledAfter('cein.run', args, 1500), [{ uri: big, layer: 'cp' }, { backend: 'cpu' }]);
    expect(cancelled.settledMs).toBeLessThan(5000);
    expect(cancelled.error ?? cancelled.result?.error).toMatch(/cancel/i);
    // A worker left running would finish the big run first; a fresh one answers the small run in the time of that run alone.
    const started = Date.now();
    const answer = await command(session.opened.page, 'cein.run', [...session.target, { backend: 'cpu' }]);
    const waited = Date.now() - started;
    expect(answer.error, JSON.stringify(answer)).toBeUndefined();
    expect(answer.backend).toBe('cpu');
    // How long the big run takes when left alone: the small run took a fraction of it. Meanwhile the page stayed responsive.
    const timed = await session.opened.page.evaluate((args) => (window as any).harness.commandTimed('cein.run', args), [{ uri: big, layer: 'cp' }, { backend: 'cpu' }]);
    const full = timed.result;
    expect(waited, `the next run took ${waited} ms; the big run alone ${full.runMs} ms`).toBeLessThan(full.runMs / 4);
    expect(timed.worstLatencyMs).toBeLessThan(STALL_BOUND_MS);
  }, 120_000);
});

describe('the browser runtime without WebGPU (chromium without the flags)', () => {
  const session = harnessForBlock(false);

  it('runs the same target on the CPU float64 reference in the worker, with the notice', async ({ skip }) => {
    if (!session.opened) return skip();
    expect(await session.opened.page.evaluate(() => (window as any).harness.adapterInfo())).toBeNull();
    const answer = await command(session.opened.page, 'cein.run', session.target);
    expect(answer.error, JSON.stringify(answer)).toBeUndefined();
    expect(answer.backend).toBe('cpu');
    expect(answer.notice).toMatch(/^no WebGPU adapter in this browser.*: ran on the CPU float64 reference$/);
    expect(answer.output.shape).toEqual([2, 64, 32, 32]);
    expect(answer.runMs).toBeGreaterThan(0);
  });

  it('answers a benchmark with the reason it cannot run', async ({ skip }) => {
    if (!session.opened) return skip();
    const answer = await command(session.opened.page, 'cein.bench', session.target);
    expect(answer.error).toMatch(/no WebGPU adapter in this browser/);
  });
});
