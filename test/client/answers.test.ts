/** Reading the server's run and benchmark answers into what the editor shows. */
import { describe, expect, it } from 'vitest';
import { readBenchAnswer, readRunAnswer } from '../../client/src/answers.js';
import { benchNotification, benchTable, runSummary } from '../../client/src/reports.js';

const target = { uri: 'file:///w/small-cp.cein', layer: 'cp' };
const llvmpipe = {
  name: 'llvmpipe',
  vendor: 'mesa',
  architecture: '',
  description: '',
  backend: 'opengles' as const,
  featureLevel: 'compatibility' as const,
  software: true,
};

describe('readRunAnswer', () => {
  it('reads the runtime result: adapter, output shape, compute time and the check', () => {
    const report = readRunAnswer(
      {
        layer: 'cp',
        adapter: llvmpipe,
        output: { shape: [2, 8, 8, 8] },
        kernels: [],
        compileMs: 5,
        uploadMs: 1,
        computeMs: 2.5,
        readMs: 1,
        check: { maxAbsError: 1.5e-7, maxAbsReference: 3, relativeError: 5e-8, tolerance: 1e-4, ok: true },
      },
      target,
    );
    expect(report).toMatchObject({ layer: 'cp', backend: 'webgpu', adapter: 'llvmpipe (OpenGL ES, compatibility, software)', outputShape: [2, 8, 8, 8], runMs: 2.5 });
    expect(runSummary(report)).toBe(
      'cp ran on WebGPU (llvmpipe (OpenGL ES, compatibility, software)) in 2.5 ms: output 2x8x8x8, max abs error 1.50e-7 (relative 5.00e-8, within tolerance) vs the float64 reference',
    );
  });

  it('reads a failed check as failed, and says so', () => {
    // A float64 check the runtime judged over the tolerance: 3e-3 > 1e-4 x 2.
    const report = readRunAnswer(
      {
        layer: 'cp',
        backend: 'webgpu',
        output: { shape: [2, 8, 8, 8] },
        computeMs: 2.5,
        check: { maxAbsError: 3e-3, maxAbsReference: 2, relativeError: 1.5e-3, tolerance: 1e-4, ok: false },
      },
      target,
    );
    expect(report.check).toEqual({ maxAbsError: 3e-3, maxAbsReference: 2, relativeError: 1.5e-3, ok: false });
    expect(runSummary(report)).toBe('cp ran on WebGPU in 2.5 ms: output 2x8x8x8, max abs error 3.00e-3 (relative 1.50e-3, OVER tolerance) vs the float64 reference');
  });

  it('says when a run was not checked', () => {
    const report = readRunAnswer({ backend: 'cpu', outputShape: [4], runMs: 1, check: null }, target);
    expect(runSummary(report)).toBe('cp ran on CPU in 1.0 ms: output 4, not checked against the reference');
  });
});

describe('readBenchAnswer', () => {
  const time = (medianMs: number) => ({ medianMs, minMs: medianMs * 0.9, maxMs: medianMs * 1.2, q1Ms: medianMs * 0.95, q3Ms: medianMs * 1.1, runs: 10 });
  const answer = {
    layer: 'cp',
    adapter: llvmpipe,
    expression: 'bshw,rt,rs,rh,rw->bthw|hw',
    shapes: [],
    warmup: 2,
    repeats: 10,
    plans: [
      {
        name: 'optimal' as const,
        macs: 100,
        flops: 200,
        flopRatio: 1,
        time: time(2),
        gflops: 1,
        steps: [
          { spec: 'bshw,rs->bhwr', kind: 'contraction', macs: 60, kernels: 'gemm', time: time(1.2), gflops: 1 },
          { spec: 'bhwr,rt->bthw', kind: 'contraction', macs: 40, kernels: 'gemm', time: time(0.8), gflops: 1 },
        ],
      },
      { name: 'left-to-right' as const, macs: 800, flops: 1600, flopRatio: 8, time: time(9), gflops: 1 },
      { name: 'rebuilt-kernel' as const, macs: 700, flops: 1400, flopRatio: 7, skipped: 'the kernel is over maxBufferSize' },
    ],
  };

  it('keeps the timed orders, the steps of the optimal plan, and says which order was skipped', () => {
    const report = readBenchAnswer(answer, target);
    expect(report.orders.map((o) => [o.order, o.medianMs])).toEqual([
      ['optimal', 2],
      ['left-to-right', 9],
    ]);
    expect(report.steps).toEqual([
      { spec: 'bshw,rs->bhwr', medianMs: 1.2 },
      { spec: 'bhwr,rt->bthw', medianMs: 0.8 },
    ]);
    expect(report.notice).toBe('rebuilt-kernel: the kernel is over maxBufferSize');
    expect(benchTable(report)[0]).toBe('cp on WebGPU (llvmpipe (OpenGL ES, compatibility, software)), median of 10: optimal 2.00 ms, left-to-right 9.00 ms');
  });

  it('names an order whose float64 check failed, and only that one', () => {
    const passed = { maxAbsError: 1e-7, maxAbsReference: 3, relativeError: 3e-8, tolerance: 1e-4, ok: true };
    const failed = { maxAbsError: 0.25, maxAbsReference: 3, relativeError: 0.083, tolerance: 1e-4, ok: false };
    const [optimal, leftToRight] = answer.plans;
    const checked = { ...answer, plans: [{ ...optimal!, check: passed }, { ...leftToRight!, check: failed }] };
    expect(readBenchAnswer(checked, target).notice).toBe('left-to-right: max abs error 2.50e-1 is over the tolerance');
    const allPassed = { ...answer, plans: [{ ...optimal!, check: passed }, { ...leftToRight!, check: passed }] };
    expect(readBenchAnswer(allPassed, target).notice).toBeUndefined();
  });

  it('shows orders that are the same plan as one, under every name, and says so', () => {
    const [optimal] = answer.plans;
    const same = {
      ...answer,
      plans: [optimal!, { ...optimal!, name: 'left-to-right' as const, sameAs: 'optimal' as const }, { ...optimal!, name: 'rebuilt-kernel' as const, sameAs: 'optimal' as const }],
    };
    const report = readBenchAnswer(same, target);
    expect(report.orders.map((o) => [o.order, o.sameOrders, o.medianMs])).toEqual([['optimal', ['left-to-right', 'rebuilt-kernel'], 2]]);
    expect(report.notice).toBe('all three orders are the same plan, measured once');
    const table = benchTable(report);
    expect(table[0]).toBe('cp on WebGPU (llvmpipe (OpenGL ES, compatibility, software)), median of 10: optimal = left-to-right = rebuilt kernel 2.00 ms');
    expect(table.filter((line) => line.includes('left-to-right'))).toHaveLength(2);
    expect(benchNotification(report)).toBe('cp median: optimal = left-to-right 2.00 ms');
  });
});
