/**
 * The playground benchmark: how soon a freshly loaded page shows what the language server says,
 * and how the page answers the keyboard while the server works. Headless chromium (WebGPU on
 * SwiftShader) loads the built playground from 127.0.0.1, each load in a fresh browser context
 * (an empty cache). Times are from the navigation's start:
 *
 * - script evaluated: the page's bundle (mostly Monaco) has run its imports;
 * - server ready: the language server worker answered `initialize` (it starts before the bundle);
 * - first diagnostics: the first diagnostics of the sample applied as markers (the first full
 *   parse, link and validation, with the plans that validation makes);
 * - first cost line: the first code lens drawn above a layer.
 *
 * Then, on the largest sample, keys typed while each edit sends the server through parsing and
 * planning again: the input delay of each key (handler time minus event time) and the longest
 * gap between animation frames. Writes bench/reports/playground.json.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { machine } from './machine.js';
import { ROOT, startPlayground, typeWhileMeasuring, type Playground } from '../test/playground/page-harness.js';

const LOADS = 7;
const SAMPLES = ['cp.cein', 'cp-resnet34.cein'];
const KEYS = 40;

interface Load {
  readonly scriptEvaluatedMs: number;
  readonly serverReadyMs: number;
  readonly firstDiagnosticsMs: number;
  readonly firstCostLineMs: number;
}

/** Records when the first code lens appears, from the page's first script on. */
const COST_LINE_PROBE = () => {
  new MutationObserver((_, observer) => {
    if (document.querySelector('.codelens-decoration')) {
      performance.mark('cein:first-cost-line');
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
};

async function load(playground: Playground, sample: string): Promise<Load> {
  const context = await playground.browser.newContext({ viewport: { width: 1500, height: 900 } });
  await context.addInitScript(COST_LINE_PROBE);
  const page = await context.newPage();
  await page.goto(`${playground.url}?sample=${sample}`);
  const marks = ['cein:script-evaluated', 'cein:server-ready', 'cein:first-diagnostics', 'cein:first-cost-line'];
  await page.waitForFunction((marks) => marks.every((m) => performance.getEntriesByName(m).length > 0), marks, { timeout: 120_000 });
  const [scriptEvaluatedMs, serverReadyMs, firstDiagnosticsMs, firstCostLineMs] = await page.evaluate((marks) => marks.map((m) => performance.getEntriesByName(m)[0]!.startTime), marks);
  await context.close();
  return { scriptEvaluatedMs: scriptEvaluatedMs!, serverReadyMs: serverReadyMs!, firstDiagnosticsMs: firstDiagnosticsMs!, firstCostLineMs: firstCostLineMs! };
}

async function typingLatency(playground: Playground, sample: string) {
  const page = await playground.browser.newPage({ viewport: { width: 1500, height: 900 } });
  await page.goto(`${playground.url}?sample=${sample}`);
  await page.locator('.codelens-decoration').first().waitFor({ timeout: 120_000 });
  const result = await typeWhileMeasuring(page, { linePrefix: '', char: 'x', count: KEYS, keyDelayMs: 40, settleMs: 2000 });
  await page.close();
  const inputs = [...result.inputDelaysMs].sort((a, b) => a - b);
  return {
    sample,
    keys: inputs.length,
    inputDelayMs: { median: round(median(inputs)), p95: round(inputs[Math.floor(0.95 * (inputs.length - 1))]!), max: round(inputs.at(-1)!) },
    longestFrameGapMs: round(result.maxFrameGapMs),
    diagnosticsWhileTyping: result.diagnosticsDuring,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function summary(loads: readonly Load[]) {
  const of = (key: keyof Load) => {
    const values = loads.map((l) => l[key]);
    return { median: round(median(values)), min: round(Math.min(...values)), max: round(Math.max(...values)) };
  };
  return { scriptEvaluatedMs: of('scriptEvaluatedMs'), serverReadyMs: of('serverReadyMs'), firstDiagnosticsMs: of('firstDiagnosticsMs'), firstCostLineMs: of('firstCostLineMs') };
}

const loadBefore = loadavg()[0]!;
const playground = await startPlayground();
try {
  const adapter = await (async () => {
    const page = await playground.browser.newPage();
    await page.goto(playground.url);
    const info = await page.evaluate(async () => {
      const adapter = await (navigator as any).gpu?.requestAdapter();
      return adapter ? { vendor: adapter.info.vendor, architecture: adapter.info.architecture, description: adapter.info.description } : null;
    });
    await page.close();
    return info;
  })();
  const loads: Record<string, unknown> = {};
  for (const sample of SAMPLES) {
    await load(playground, sample); // warm-up: the OS file cache, chromium's first start of a worker
    const runs: Load[] = [];
    for (let i = 0; i < LOADS; i++) runs.push(await load(playground, sample));
    loads[sample] = { ...summary(runs), runs };
    const s = summary(runs);
    console.log(`${sample}: script evaluated ${s.scriptEvaluatedMs.median} ms, server ready ${s.serverReadyMs.median} ms, first diagnostics ${s.firstDiagnosticsMs.median} ms, first cost line ${s.firstCostLineMs.median} ms (median of ${LOADS} loads)`);
  }
  const typing = await typingLatency(playground, 'cp-resnet34.cein');
  console.log(`typing in ${typing.sample}: input delay median ${typing.inputDelayMs.median} ms, p95 ${typing.inputDelayMs.p95} ms, max ${typing.inputDelayMs.max} ms; longest frame gap ${typing.longestFrameGapMs} ms; ${typing.diagnosticsWhileTyping} diagnostics while typing`);
  const report = {
    benchmark: 'playground',
    date: new Date().toISOString(),
    // Timings on a shared machine move with its load: the 1-minute load average before and after.
    machine: { ...machine(), browser: `chromium ${playground.browser.version()} (headless, WebGPU on SwiftShader)`, adapter, loadAverage: { before: loadBefore, after: loadavg()[0]! } },
    note: 'times from navigation start, fresh browser context per load (empty cache), median/min/max over the loads after one warm-up load',
    loads,
    typing,
  };
  const file = join(ROOT, 'bench/reports/playground.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${file}`);
} finally {
  await playground.close();
}
