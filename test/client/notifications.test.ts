/** The Run and Benchmark notifications: figures first, short enough for a notification toast. */
import { describe, expect, it } from 'vitest';
import type { BenchReport, RunReport } from '../../client/src/protocol.js';
import { benchNotification, runNotification } from '../../client/src/reports.js';

// What one line of a VS Code notification toast showed before it cut the text (416 px at about
// 7 px a character, measured in the end-to-end test's workbench).
const TOAST_LINE = 58;

const run: RunReport = {
  layer: 'cp',
  backend: 'webgpu',
  adapter: 'llvmpipe (OpenGL ES, compatibility, software)',
  outputShape: [2, 8, 8, 8],
  runMs: 2.46,
  check: { maxAbsError: 1.5e-7, relativeError: 5e-8, ok: true },
};

describe('runNotification', () => {
  it('leads with the time and the error, and leaves the adapter to the output channel', () => {
    const text = runNotification(run);
    expect(text).toBe('cp ran in 2.5 ms, max abs error 1.50e-7 (WebGPU)');
    expect(`cein: ${text}`.length).toBeLessThanOrEqual(TOAST_LINE);
  });

  it('says when the error is over tolerance', () => {
    expect(runNotification({ ...run, check: { maxAbsError: 0.03125, relativeError: 0.01, ok: false } })).toBe(
      'cp ran in 2.5 ms, max abs error 3.13e-2 OVER tolerance (WebGPU)',
    );
  });

  it('says when the run was not checked', () => {
    expect(runNotification({ ...run, backend: 'cpu', adapter: undefined, runMs: 1, check: null })).toBe('cp ran in 1.0 ms, not checked (CPU)');
  });
});

describe('benchNotification', () => {
  it('gives the medians of the optimal and left-to-right orders, short enough for a toast', () => {
    const timing = (order: 'optimal' | 'left-to-right' | 'rebuilt-kernel', medianMs: number) => ({ order, macs: 1, medianMs, minMs: medianMs, maxMs: medianMs });
    const report: BenchReport = {
      layer: 'cp',
      backend: 'webgpu',
      adapter: 'llvmpipe (OpenGL ES, compatibility, software)',
      repeats: 10,
      orders: [timing('optimal', 2), timing('left-to-right', 9.004), timing('rebuilt-kernel', 31.5)],
      steps: [],
    };
    const text = benchNotification(report);
    expect(text).toBe('cp median: optimal 2.00 ms, left-to-right 9.00 ms');
    expect(`cein: ${text}`.length).toBeLessThanOrEqual(TOAST_LINE);
  });
});
