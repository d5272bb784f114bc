/** `cein run --backend webgpu`: the plan runs in the WebGPU worker; the result is checked against the CPU float64 reference on request. */
import { writeFileSync } from 'node:fs';
import type { Plan } from '../../engine/plan.js';
import type { Problem } from '../../engine/problems.js';
import { formatShape } from '../../engine/summary.js';
import type { Check, LayerInputs } from '../../runtime/jobs/types.js';
import { GpuWorker } from '../../runtime/jobs/worker-client.js';
import { writeNpy } from '../../runtime/npy.js';
import { formatAdapter, type AdapterPreference } from '../../runtime/webgpu/device.js';
import { parsePositive } from '../arguments.js';
import { formatProblems } from '../report.js';

export interface GpuFlags {
  readonly adapter?: AdapterPreference;
  /** Seconds. */
  readonly timeout?: string;
}

export function timeoutMs(flags: GpuFlags, defaultSeconds: number): number {
  return 1000 * (flags.timeout ? parsePositive('--timeout', flags.timeout) : defaultSeconds);
}

const DEFAULT_TIMEOUT_S = 300;

export async function runOnWebGpu(
  flags: GpuFlags & { readonly expr: string; readonly out?: string; readonly check?: boolean; readonly json?: boolean },
  plan: Plan,
  inputs: LayerInputs,
  warnings: readonly Problem[],
): Promise<number> {
  const worker = new GpuWorker();
  try {
    const result = await worker.run({ plan, inputs, check: flags.check, adapter: flags.adapter }, { timeoutMs: timeoutMs(flags, DEFAULT_TIMEOUT_S) });
    const { output, check } = result;
    if (flags.out) writeFileSync(flags.out, writeNpy(output.data, output.shape, '<f4'));
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
