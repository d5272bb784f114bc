/**
 * cein.run and cein.bench on a runtime reached through LayerJobs: the planned layer runs on
 * seeded random inputs, checked against the float64 CPU reference. With cein.backend `cpu`, or
 * `auto` and no adapter, a run is the float64 reference itself. Progress goes to the client as
 * LSP work-done progress; cancelling the request or the progress aborts the job. The answers
 * are the same wherever the jobs run (a Node worker process, a browser's runtime worker); the
 * client's answers.ts reads them. No Node imports: the browser's language worker shares it.
 */
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { baselinePlans } from '../runtime/jobs/baselines.js';
import type { BenchRequest, BenchResult, CpuRunRequest, CpuRunResult, JobOptions, LayerInputs, Progress, RunRequest, RunResult } from '../runtime/jobs/types.js';
import { NoAdapterError } from '../runtime/webgpu/device.js';
import type { LayerRunner, LayerRunRequest } from './run-hook.js';

/** Where the jobs run: the transport below the runner. */
export interface LayerJobs {
  run(request: RunRequest, options: JobOptions): Promise<RunResult>;
  bench(request: BenchRequest, options: JobOptions): Promise<BenchResult>;
  runOnCpu(request: CpuRunRequest, options: JobOptions): Promise<CpuRunResult>;
  /** The notice of a run that found no adapter and ran on the CPU instead. */
  noAdapterNotice(error: NoAdapterError): string;
}

const RUN_TIMEOUT_MS = 120_000;
const BENCH_TIMEOUT_MS = 600_000;
const INPUT_SEED = 1;

export class RuntimeLayerRunner implements LayerRunner {
  constructor(
    private readonly connection: Connection,
    private readonly jobs: LayerJobs,
  ) {}

  async run(request: LayerRunRequest, cancelToken: CancellationToken): Promise<unknown> {
    if (request.runtime.backend === 'cpu' && request.kind === 'bench') {
      return { error: 'benchmarks compare plans on the WebGPU device; set cein.backend to auto or webgpu' };
    }
    const abort = new AbortController();
    const stop = () => abort.abort();
    const listener = cancelToken.onCancellationRequested(stop);
    const progress = await this.connection.window.createWorkDoneProgress();
    progress.begin(`cein: ${request.kind === 'run' ? 'running' : 'benchmarking'} ${request.layer}`, 0, 'starting the GPU worker', true);
    const progressListener = progress.token.onCancellationRequested(stop);
    const onProgress = ({ message, fraction }: Progress) => progress.report(fraction === undefined ? 0 : Math.round(fraction * 100), message);
    const inputs: LayerInputs = { kind: 'random', shapes: request.operands.map((o) => o.shape), seed: INPUT_SEED };
    try {
      if (request.kind === 'run' && request.runtime.backend === 'cpu') {
        return await this.runOnCpu(request, inputs, abort.signal, 'backend: cpu (float64 reference)');
      }
      if (request.kind === 'run') {
        const result = await this.jobs.run({ plan: request.plan, inputs, check: true }, { signal: abort.signal, onProgress, timeoutMs: RUN_TIMEOUT_MS });
        // Tensor data stays here; the client shows the shape and the error against the reference.
        return { ...result, output: { shape: result.output.shape }, layer: request.layer, backend: 'webgpu' };
      }
      const plans = baselinePlans(request.expression, inputs.shapes, request.options);
      const result = await this.jobs.bench({ plans, inputs, check: true, repeats: request.runtime.repeats }, { signal: abort.signal, onProgress, timeoutMs: BENCH_TIMEOUT_MS });
      return { ...result, layer: request.layer, backend: 'webgpu', ...(request.runtime.notice ? { notice: request.runtime.notice } : {}) };
    } catch (e) {
      if (e instanceof NoAdapterError && request.kind === 'run' && request.runtime.backend === 'auto') {
        return await this.runOnCpu(request, inputs, abort.signal, this.jobs.noAdapterNotice(e)).catch(failure);
      }
      return failure(e);
    } finally {
      listener.dispose();
      progressListener.dispose();
      progress.done();
    }
  }

  private async runOnCpu(request: LayerRunRequest, inputs: LayerInputs, signal: AbortSignal, notice: string): Promise<unknown> {
    const result = await this.jobs.runOnCpu({ plan: request.plan, inputs }, { signal, timeoutMs: RUN_TIMEOUT_MS });
    return { layer: request.layer, backend: 'cpu', adapter: 'CPU, float64', output: { shape: result.outputShape }, runMs: result.runMs, check: null, notice };
  }
}

function failure(e: unknown): { error: string } {
  return { error: e instanceof Error ? e.message : String(e) };
}
