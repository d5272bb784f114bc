/** `cein run --backend webgpu`: the plan runs in the WebGPU worker; the result is checked against the CPU float64 reference on request. */
import type { Plan } from '../../engine/plan.js';
import type { Problem } from '../../engine/problems.js';
import { formatShape } from '../../engine/summary.js';
import type { Check, LayerInputs } from '../../runtime/jobs/types.js';
import { GpuWorker } from '../../runtime/jobs/worker-client.js';
import { writeNpy } from '../../runtime/npy.js';
import { writeFileAtomic } from '../../runtime/output-file.js';
import { formatAdapter, type AdapterPreference } from '../../runtime/webgpu/device.js';
import { parsePositive, UsageError } from '../arguments.js';
import { formatProblems } from '../report.js';

export interface GpuFlags {
  readonly adapter?: AdapterPreference;
  /** Seconds. */
  readonly timeout?: string;
}

/** Node's timers hold 32-bit signed milliseconds; a longer delay fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function timeoutMs(flags: GpuFlags, defaultSeconds: number): number {
  const ms = 1000 * (flags.timeout !== undefined ? parsePositive('--timeout', flags.timeout) : defaultSeconds);
  if (ms > MAX_TIMEOUT_MS) throw new UsageError(`--timeout ${flags.timeout} is too long: at most ${Math.floor(MAX_TIMEOUT_MS / 1000)} seconds (about 24 days)`);
  return Math.ceil(ms);
}

export async function runOnWebGpu(
  flags: GpuFlags & { readonly expr: string; readonly out?: string; readonly check?: boolean; readonly json?: boolean },
  plan: Plan,
  inputs: LayerInputs,
  warnings: readonly Problem[],
  timeout: number,
): Promise<number> {
  const worker = new GpuWorker();
  try {
    const result = await worker.run({ plan, inputs, check: flags.check, adapter: flags.adapter }, { timeoutMs: timeout });
    const { output, check } = result;
    if (flags.out !== undefined) writeFileAtomic(flags.out, writeNpy(output.data, output.shape, '<f4'));
    if (flags.json) {
      const { output: _values, ...figures } = result;
      const report = { backend: 'webgpu', ...figures, outputShape: output.shape, out: flags.out ?? null, runMs: result.computeMs, macs: plan.macs, problems: warnings };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      if (warnings.length > 0) process.stderr.write(`${formatProblems(flags.expr, warnings)}\n`);
      const written = flags.out ? ` written to ${flags.out} (float32)` : '';
      process.stdout.write(`ran on webgpu, ${formatAdapter(result.adapter)}, in f32: ${result.computeMs.toFixed(1)} ms (kernels compiled in ${result.compileMs.toFixed(0)} ms): output ${formatShape(output.shape)}${written}\n`);
      if (check) process.stdout.write(`${describeCheck(check)}\n`);
    }
    return check && !check.ok ? 1 : 0;
  } finally {
    worker.dispose();
  }
}

export function describeCheck(check: Check): string {
  const verdict = check.ok ? 'ok' : 'FAILED';
  return `against the CPU float64 reference: max abs error ${check.maxAbsError.toExponential(2)}, relative ${check.relativeError.toExponential(2)} (${verdict}: at most ${check.tolerance} x max|y|)`;
}
