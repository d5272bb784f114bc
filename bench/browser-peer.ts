/**
 * The browser's WebGPU against Node's Dawn on the same machine: the CP layer at bench:runtime's
 * CIFAR-10 size (batch 16) through the same job on both sides, benchLayerJob on Node's device
 * here and the same bench request in the browser's runtime worker (headless chromium, WebGPU on
 * SwiftShader, through the harness page of the browser tests). The two sides take turns, Node
 * then the browser, then the browser then Node, so that a machine busy with other work slows
 * both alike; each side also does one checked run, which gives its compile, upload and read
 * times. The load average is taken before and after.
 */
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plan } from '../server/src/engine/plan.js';
import { planExpression } from '../server/src/engine/planner.js';
import { benchLayerJob } from '../server/src/runtime/jobs/bench-layer.js';
import { runLayerJob } from '../server/src/runtime/jobs/run-layer.js';
import type { BenchRequest, BenchResult, RunRequest, RunResult } from '../server/src/runtime/jobs/types.js';
import { formatAdapter, type Gpu } from '../server/src/runtime/webgpu/device.js';

interface HarnessPage {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}
type Harness = { page: HarnessPage; browserVersion: string; close: () => Promise<void> };
interface HarnessModule {
  harnessMissing(root: string): string | null;
  openHarness(root: string, options: { webgpu: boolean }): Promise<Harness>;
}

type RunFigures = Pick<RunResult, 'compileMs' | 'uploadMs' | 'computeMs' | 'readMs' | 'check' | 'kernels'>;

interface Side {
  readonly adapter: BenchResult['adapter'];
  readonly run: RunFigures;
  /** One bench result per turn. */
  readonly sessions: BenchResult['plans'][number][];
}

export interface BrowserPeerReport {
  readonly layer: string;
  readonly expression: string;
  readonly shapes: readonly (readonly number[])[];
  readonly macs: number;
  readonly warmup: number;
  readonly repeats: number;
  readonly browser: Side & { readonly chromium: string; readonly flags: string };
  readonly node: Side;
  /** The browser's median over Node's, per turn. */
  readonly browserOverNode: number[];
  readonly loadAverage: { readonly before: number[]; readonly after: number[] };
}

const CP = { name: 'CP, rank 16, CIFAR-10 sizes at batch 16', expr: 'bshw,rt,rs,rh,rw->bthw|hw', shapes: [[16, 64, 32, 32], [16, 64], [16, 64], [16, 3], [16, 3]] };
const WARMUP = 2;
const REPEATS = 7;

/** The side by side, or the reason it could not run. */
export async function browserPeer(gpu: Gpu, root = process.cwd()): Promise<BrowserPeerReport | { skipped: string }> {
  // Loaded from the checkout at run time: a plain ESM script (with playwright-core) that the bundle does not take in.
  const { harnessMissing, openHarness } = (await import(pathToFileURL(join(root, 'scripts/browser-harness.mjs')).href)) as HarnessModule;
  const missing = harnessMissing(root);
  if (missing) return { skipped: missing };
  const harness = await openHarness(root, { webgpu: true });
  try {
    if (!(await harness.page.evaluate(() => (window as any).harness.adapterInfo(), undefined))) return { skipped: 'chromium offers no WebGPU adapter with the SwiftShader flags' };
    const loadBefore = os.loadavg();
    const plan = planExpression(CP.expr, CP.shapes);
    const inputs = { kind: 'random' as const, shapes: CP.shapes, seed: 1 };
    const run: RunRequest = { plan, inputs, check: true };
    const bench: BenchRequest = { plans: [{ name: 'optimal', plan }], inputs, warmup: WARMUP, repeats: REPEATS, check: true };
    const inBrowser = <T>(kind: 'run' | 'bench', request: RunRequest | BenchRequest) =>
      harness.page.evaluate((job) => (window as any).harness.runtimeJob(job).then((r: any) => (r.output ? { ...r, output: { shape: r.output.shape } } : r)), { kind, request }) as Promise<T>;

    const browserRun = await inBrowser<RunResult>('run', run);
    const nodeRun = await runLayerJob(gpu, run);
    const browserSessions: BenchResult[] = [];
    const nodeSessions: BenchResult[] = [];
    for (const browserFirst of [false, true]) {
      const turns = [async () => nodeSessions.push(await benchLayerJob(gpu, bench)), async () => browserSessions.push(await inBrowser<BenchResult>('bench', bench))];
      for (const turn of browserFirst ? turns.reverse() : turns) await turn();
    }
    const report: BrowserPeerReport = {
      layer: CP.name,
      expression: CP.expr,
      shapes: CP.shapes,
      macs: plan.macs,
      warmup: WARMUP,
      repeats: REPEATS,
      browser: { chromium: harness.browserVersion, flags: 'headless, --enable-unsafe-webgpu --use-angle=swiftshader --use-webgpu-adapter=swiftshader', ...side(browserRun, browserSessions) },
      node: side(nodeRun, nodeSessions),
      browserOverNode: browserSessions.map((b, i) => b.plans[0]!.time!.medianMs / nodeSessions[i]!.plans[0]!.time!.medianMs),
      loadAverage: { before: loadBefore, after: os.loadavg() },
    };
    print(report, plan);
    return report;
  } finally {
    await harness.close();
  }
}

function side(run: RunResult, sessions: readonly BenchResult[]): Side {
  const { compileMs, uploadMs, computeMs, readMs, check, kernels } = run;
  return { adapter: run.adapter, run: { compileMs, uploadMs, computeMs, readMs, check, kernels }, sessions: sessions.map((s) => s.plans[0]!) };
}

function print(report: BrowserPeerReport, plan: Plan): void {
  console.log(`  ${report.layer}: ${plan.steps.length} steps, ${report.macs.toExponential(2)} MACs`);
  for (const [name, s] of [['browser', report.browser], ['node', report.node]] as const) {
    const medians = s.sessions.map((p) => `${p.time!.medianMs.toFixed(2)} ms (${p.gflops!.toFixed(2)} GFLOP/s)`).join(', ');
    const r = s.run;
    console.log(`    ${name.padEnd(7)} ${formatAdapter(s.adapter)}: median ${medians}; first run: compile ${r.compileMs.toFixed(0)} ms, upload ${r.uploadMs.toFixed(1)}, compute ${r.computeMs.toFixed(1)}, read ${r.readMs.toFixed(1)}; check ${r.check?.ok ? 'ok' : 'FAILED'}`);
  }
  console.log(`    browser / node: ${report.browserOverNode.map((x) => `${x.toFixed(2)}x`).join(', ')}; load average ${report.loadAverage.before.map((x) => x.toFixed(2)).join(' ')} before, ${report.loadAverage.after.map((x) => x.toFixed(2)).join(' ')} after`);
}
