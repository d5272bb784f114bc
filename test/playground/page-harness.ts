/**
 * What the playground's browser tests share: the built playground served on 127.0.0.1, Debian's
 * chromium driven by playwright-core with WebGPU on SwiftShader, and helpers that read the page
 * through Monaco's own API (markers, models) rather than its pixels.
 *
 * CI sets CEIN_REQUIRE_WEBGPU=1: there a missing chromium or WebGPU adapter fails the suite. On a
 * machine without them the suite is skipped, loudly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error: a plain JavaScript module of the build scripts
import { serveStatic } from '../../scripts/serve-static.mjs';

/** The repository: the nearest folder above this module with the playground's sources (also from a bundle in out/). */
function repositoryRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'playground/src/main.ts'))) return dir;
  throw new Error(`no repository with playground/src/main.ts above ${from}`);
}

export const ROOT = repositoryRoot(dirname(fileURLToPath(import.meta.url)));
export const PLAYGROUND = join(ROOT, 'out/playground');
export const ARTIFACTS = join(ROOT, 'test/playground/artifacts');
export const CHROMIUM = process.env.CEIN_CHROMIUM ?? '/usr/bin/chromium';

/** Headless chromium with WebGPU on SwiftShader (no GPU and no display needed). */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export interface Playground {
  readonly browser: Browser;
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the playground when it is missing (npm test builds the bundles it copies first). */
export function ensureBuilt(): void {
  if (existsSync(join(PLAYGROUND, 'index.html'))) return;
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-playground.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the playground failed: ${built.stderr || built.stdout}`);
}

/** The reason the suite cannot run here, or undefined; with CEIN_REQUIRE_WEBGPU=1 a reason is an error. */
export function missingChromium(): string | undefined {
  const reason = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install -y chromium)`;
  if (reason && process.env.CEIN_REQUIRE_WEBGPU === '1') throw new Error(`CEIN_REQUIRE_WEBGPU=1 but ${reason}`);
  if (reason) console.warn(`\n!!! playground tests SKIPPED: ${reason}\n!!! (set CEIN_REQUIRE_WEBGPU=1 to make this fail)\n`);
  return reason;
}

export async function startPlayground(): Promise<Playground> {
  ensureBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  const served: { url: string; close(): Promise<void> } = await serveStatic(PLAYGROUND);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  return {
    browser,
    url: served.url,
    close: async () => {
      await browser.close();
      await served.close();
    },
  };
}

const pageErrors = new WeakMap<Page, string[]>();

/** The uncaught errors and unhandled rejections of a page opened by openSample. */
export function errorsOf(page: Page): readonly string[] {
  return pageErrors.get(page) ?? [];
}

/** A fresh page on a sample, once the language server answered and the editor holds the sample. */
export async function openSample(playground: Playground, sample: string): Promise<Page> {
  const page = await playground.browser.newPage({ viewport: { width: 1500, height: 900 } });
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (e) => {
    console.error(`page error: ${e.message}`);
    errors.push(e.message);
  });
  await page.goto(`${playground.url}?sample=${encodeURIComponent(sample)}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
  return page;
}

/**
 * Whether the page's browser offers a WebGPU adapter. Without one a WebGPU test skips, loudly;
 * with CEIN_REQUIRE_WEBGPU=1 it fails.
 */
export async function requireAdapter(page: Page, skip: () => void): Promise<void> {
  const adapter = await page.evaluate(async () => Boolean(await (navigator as any).gpu?.requestAdapter().catch(() => null)));
  if (adapter) return;
  if (process.env.CEIN_REQUIRE_WEBGPU === '1') throw new Error(`CEIN_REQUIRE_WEBGPU=1 but ${CHROMIUM} offers no WebGPU adapter`);
  console.warn(`\n!!! playground WebGPU test SKIPPED: ${CHROMIUM} offers no WebGPU adapter\n!!! (set CEIN_REQUIRE_WEBGPU=1 to make this fail)\n`);
  await page.close();
  skip();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** A marker as Monaco keeps it (1-based lines and columns). */
export interface Marker {
  readonly message: string;
  readonly severity: number;
  readonly startLineNumber: number;
  readonly startColumn: number;
  readonly endLineNumber: number;
  readonly endColumn: number;
}

/** The cein markers of the editor's model, once there are some that `accept` takes. */
export async function waitForMarkers(page: Page, accept: string, timeout = 30_000): Promise<Marker[]> {
  const handle = await page.waitForFunction(
    (accept) => {
      const { monaco, editor } = (window as unknown as { cein: { monaco: any; editor: any } }).cein;
      const markers = monaco.editor.getModelMarkers({ resource: editor.getModel().uri, owner: 'cein' });
      const ok = new Function('markers', `return (${accept})(markers)`)(markers);
      return ok ? markers : undefined;
    },
    accept,
    { timeout, polling: 100 },
  );
  return (await handle.jsonValue()) as Marker[];
}

/** What typing into the editor cost the page: each key's input delay, the longest frame gap, and the diagnostics that arrived meanwhile. */
export interface TypingLatency {
  /** Per key: handler time minus event time, in ms. */
  readonly inputDelaysMs: readonly number[];
  readonly maxFrameGapMs: number;
  readonly diagnosticsDuring: number;
}

/**
 * Types `count` copies of `char` at the end of the first line that starts with `linePrefix` (each
 * one a new text the server parses, validates and plans again), measuring in the page the input
 * delay of each key and the longest gap between animation frames until `settleMs` after the last.
 */
export async function typeWhileMeasuring(page: Page, options: { linePrefix: string; char: string; count: number; keyDelayMs: number; settleMs: number }): Promise<TypingLatency> {
  await page.evaluate((prefix) => {
    const { editor } = (window as any).cein;
    const model = editor.getModel();
    const line = model.getLinesContent().findIndex((text: string) => text.startsWith(prefix)) + 1;
    if (line === 0) throw new Error(`no line starts with ${JSON.stringify(prefix)}`);
    editor.setPosition({ lineNumber: line, column: model.getLineMaxColumn(line) });
    editor.focus();
    const probe = ((window as any).latencyProbe = { inputs: [] as number[], maxGap: 0, running: true, diagnosticsBefore: performance.getEntriesByName('cein:diagnostics').length });
    document.addEventListener('keydown', (event) => probe.inputs.push(performance.now() - event.timeStamp), { capture: true });
    let last = performance.now();
    const frame = (now: number) => {
      probe.maxGap = Math.max(probe.maxGap, now - last);
      last = now;
      if (probe.running) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }, options.linePrefix);
  for (let i = 0; i < options.count; i++) await page.keyboard.type(options.char, { delay: options.keyDelayMs });
  await page.waitForTimeout(options.settleMs);
  return page.evaluate(() => {
    const probe = (window as any).latencyProbe;
    probe.running = false;
    return { inputDelaysMs: probe.inputs as number[], maxFrameGapMs: probe.maxGap as number, diagnosticsDuring: performance.getEntriesByName('cein:diagnostics').length - probe.diagnosticsBefore };
  });
}
