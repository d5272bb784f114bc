/**
 * `cein samples --backend webgpu`: every layer of a samples list planned at its full sizes, then
 * run at its run shapes on the WebGPU device, each checked against the CPU float64 run of the
 * same plan on the same seeded inputs.
 */
import { GpuWorker } from '../../runtime/jobs/worker-client.js';
import { formatAdapter } from '../../runtime/webgpu/device.js';
import { formatTable } from '../table.js';
import { timeoutMs, type GpuFlags } from './run-webgpu.js';
import { designJson, PLAN_HEADER, planColumns, planLayer, planNote, type SampleLayer } from './samples.js';

const DEFAULT_TIMEOUT_S = 300;

export async function samplesOnWebGpu(layers: readonly SampleLayer[], flags: { json?: boolean } & GpuFlags): Promise<number> {
  const worker = new GpuWorker();
  try {
    const rows = [];
    for (const [k, layer] of layers.entries()) {
      const full = planLayer(layer.expr, layer.shapes, layer.options).plan;
      const { plan } = planLayer(layer.expr, layer.runShapes, layer.options);
      // The seed of the CPU samples job, so both backends see the same inputs.
      const inputs = { kind: 'random' as const, shapes: layer.runShapes, seed: k + 1 };
      const result = await worker.run({ plan, inputs, check: true, adapter: flags.adapter }, { timeoutMs: timeoutMs(flags, DEFAULT_TIMEOUT_S) });
      rows.push({ name: layer.name, expr: layer.expr, full, macs: full.macs, naiveMacs: full.naiveMacs, rebuiltMacs: full.rebuiltMacs, ...designJson(full), runShapes: layer.runShapes, runMacs: plan.macs, adapter: result.adapter, computeMs: result.computeMs, kernels: result.kernels, check: result.check! });
    }
    const ok = rows.every((r) => r.check.ok);
    const adapter = rows[0]?.adapter;
    const notice = `backend: webgpu${adapter ? `, ${formatAdapter(adapter)}` : ''}, f32; checked against the CPU float64 plan: max abs error <= 1e-4 x max|y|`;
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ backend: 'webgpu', notice, ok, layers: rows.map(({ adapter: _adapter, full: _full, ...row }) => row), adapter: adapter ?? null }, null, 2)}\n`);
      return ok ? 0 : 1;
    }
    const table = rows.map((r) => [r.name, ...planColumns(r.full), r.computeMs.toFixed(1), `${r.check.ok ? 'ok' : 'FAILED'} ${r.check.relativeError.toExponential(1)}`]);
    process.stdout.write(`${notice}\n\n${formatTable([...PLAN_HEADER, 'run ms', 'run check (rel. error)'], table)}\n${planNote(rows.map((r) => r.full))}`);
    process.stdout.write(`\n${ok ? 'all layers agree with the CPU float64 reference' : 'some layers DISAGREE with the CPU float64 reference'}\n`);
    return ok ? 0 : 1;
  } finally {
    worker.dispose();
  }
}
