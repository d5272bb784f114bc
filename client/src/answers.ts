/**
 * Reading the server's answers to cein.run and cein.bench into what the client shows. The server
 * answers with the runtime's results (server/src/runtime/jobs/types.ts), named by layer; a run's
 * output travels as its shape (tensor data stays in the server). Fields are read defensively so
 * that a runtime that answers a little differently (a CPU run, a plan skipped on this device)
 * still shows what it has.
 */
import { formatAdapter, type AdapterDescription } from '../../server/src/runtime/webgpu/device.js';
import { samePlanNote } from '../../server/src/runtime/jobs/same-plans.js';
import type { BenchResult, PlanBenchmark, RunResult } from '../../server/src/runtime/jobs/types.js';
import type { BenchReport, ErrorCheck, LayerTarget, OrderTiming, RunReport } from './protocol.js';

/** What cein.run answers: the runtime's RunResult, its output as a shape only, plus the layer's name. */
export type RunAnswer = Partial<Omit<RunResult, 'output' | 'adapter'>> & {
  readonly layer?: string;
  readonly backend?: string;
  readonly adapter?: AdapterDescription | string;
  readonly output?: { readonly shape: readonly number[] };
  readonly outputShape?: readonly number[];
  readonly runMs?: number;
  readonly notice?: string;
};

/** What cein.bench answers: the runtime's BenchResult plus the layer's name. */
export type BenchAnswer = Partial<Omit<BenchResult, 'adapter'>> & {
  readonly layer?: string;
  readonly backend?: string;
  readonly adapter?: AdapterDescription | string;
  readonly notice?: string;
};

export function readRunAnswer(answer: RunAnswer, target: LayerTarget): RunReport {
  return {
    layer: answer.layer ?? target.layer ?? '?',
    backend: answer.backend ?? 'webgpu',
    adapter: adapterText(answer.adapter),
    outputShape: answer.output?.shape ?? answer.outputShape ?? [],
    runMs: answer.computeMs ?? answer.runMs ?? 0,
    check: readCheck(answer.check),
    notice: answer.notice,
  };
}

export function readBenchAnswer(answer: BenchAnswer, target: LayerTarget): BenchReport {
  const plans = answer.plans ?? [];
  // A plan that is the same plan as an earlier one is shown once, under every name it goes by.
  const timed = plans.filter((p): p is PlanBenchmark & { time: NonNullable<PlanBenchmark['time']> } => p.time !== undefined && !p.sameAs);
  const sameOrders = (p: PlanBenchmark) => plans.filter((q) => q.sameAs === p.name).map((q) => q.name);
  const skipped = plans.filter((p) => p.skipped).map((p) => `${p.name}: ${p.skipped}`);
  const wrong = plans.filter((p) => p.check?.ok === false && !p.sameAs).map((p) => `${p.name}: max abs error ${p.check!.maxAbsError.toExponential(2)} is over the tolerance`);
  const optimal = plans.find((p) => p.name === 'optimal');
  return {
    layer: answer.layer ?? target.layer ?? '?',
    backend: answer.backend ?? 'webgpu',
    adapter: adapterText(answer.adapter),
    repeats: answer.repeats ?? 0,
    orders: timed.map(
      (p): OrderTiming => ({
        order: p.name,
        ...(sameOrders(p).length > 0 ? { sameOrders: sameOrders(p) } : {}),
        macs: p.macs,
        medianMs: p.time.medianMs,
        minMs: p.time.minMs,
        maxMs: p.time.maxMs,
        gflops: p.gflops,
      }),
    ),
    steps: (optimal?.steps ?? []).map((s) => ({ spec: s.spec, medianMs: s.time.medianMs })),
    notice: [answer.notice, samePlanNote(plans), ...skipped, ...wrong].filter((n): n is string => Boolean(n)).join('; ') || undefined,
  };
}

function readCheck(check: RunAnswer['check']): ErrorCheck | null {
  if (!check || typeof check.maxAbsError !== 'number') return null;
  return { maxAbsError: check.maxAbsError, relativeError: check.relativeError, maxAbsReference: check.maxAbsReference, ok: check.ok };
}

function adapterText(adapter: AdapterDescription | string | undefined): string | undefined {
  return adapter === undefined || typeof adapter === 'string' ? adapter : formatAdapter(adapter);
}
