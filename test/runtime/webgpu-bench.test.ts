/**
 * The benchmark job on the device: plans that are the same plan are measured once and said to be
 * the same; and the timing has no bias between names: the same plan timed twice, as two
 * programs under two names, gives medians no further apart than the runs' interquartile range.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { planExpression } from '../../server/src/engine/planner.js';
import { baselinePlans } from '../../server/src/runtime/jobs/baselines.js';
import { benchLayerJob, timeRounds, timing } from '../../server/src/runtime/jobs/bench-layer.js';
import { randomData, seededRandom } from '../../server/src/runtime/random.js';
import { uploadTensor } from '../../server/src/runtime/webgpu/buffers.js';
import { GpuProgram } from '../../server/src/runtime/webgpu/program.js';
import { testGpu } from './webgpu-harness.js';

const gpu = await testGpu();
afterAll(() => gpu?.release());

const CONV = 'bshw,tshw->bthw|hw';
const CONV_SHAPES = [
  [2, 3, 12, 12],
  [4, 3, 3, 3],
];

describe.skipIf(!gpu)('the benchmark job', () => {
  it('measures a single-step layer once and says that its orders are the same plan', async () => {
    const plans = baselinePlans(CONV, CONV_SHAPES);
    expect(plans.length).toBeGreaterThan(1);
    const warmed: string[] = [];
    const result = await benchLayerJob(gpu!, { plans, inputs: { kind: 'random', shapes: CONV_SHAPES, seed: 3 }, warmup: 1, repeats: 3, check: true }, (p) => {
      if (p.message.includes('warming up')) warmed.push(p.message);
    });
    expect(warmed).toEqual([expect.stringMatching(/^optimal: warming up/)]);
    expect(result.samePlans).toBe(`${plans.length === 3 ? 'all three' : 'both'} orders are the same plan, measured once`);
    const [optimal, ...others] = result.plans;
    expect(optimal!.sameAs).toBeUndefined();
    expect(optimal!.check?.ok).toBe(true);
    for (const p of others) {
      expect(p.sameAs).toBe('optimal');
      expect(p.time).toEqual(optimal!.time);
      expect(p.timeRatio).toBe(1);
    }
  });

  it('times the same plan under two names with medians apart by no more than an interquartile range', async () => {
    const shapes = [
      [8, 16, 32, 32],
      [8, 16],
      [8, 16],
      [8, 3],
      [8, 3],
    ];
    const plan = planExpression('bshw,rt,rs,rh,rw->bthw|hw', shapes);
    const random = seededRandom(5);
    const buffers = shapes.map((shape, k) => uploadTensor(gpu!.device, randomData(shape, random), `operand ${k + 1}`));
    const programs = [await GpuProgram.compile(gpu!, plan), await GpuProgram.compile(gpu!, plan)];
    try {
      for (const program of programs) {
        program.recycle(await program.run(buffers));
        await gpu!.device.queue.onSubmittedWorkDone();
      }
      const [first, second] = await timeRounds(gpu!, programs, buffers, 41, 11);
      const [a, b] = [timing(first!), timing(second!)];
      // Not the pooled runs' spread: a bias between the names would widen it by the bias itself.
      const spread = Math.max(a.q3Ms - a.q1Ms, b.q3Ms - b.q1Ms);
      expect(Math.abs(a.medianMs - b.medianMs), `medians ${a.medianMs} and ${b.medianMs} ms, interquartile ranges ${a.q1Ms}-${a.q3Ms} and ${b.q1Ms}-${b.q3Ms}`).toBeLessThanOrEqual(spread);
    } finally {
      programs.forEach((p) => p.destroy());
      buffers.forEach((b) => b.destroy());
    }
  });
});
