/**
 * The WebGPU runtime benchmark. Writes bench/reports/runtime.json, naming the adapter and the
 * machine. Needs only node and the built package: `npm run bench:runtime`.
 *
 * 1. GEMM: the tiled GEMM kernel against the naive kernel (one invocation per output element)
 *    on the same adapter, at several sizes, and against numpy's float32 matmul on the CPU when
 *    python3 with numpy is at hand. Goal: GEMM >= 4x naive.
 * 2. The paper's CP, Tucker, TT and TR layers: measured time of the optimal plan against the
 *    left-to-right and rebuilt-kernel plans. Goal: measured speed-up >= half the FLOP ratio.
 *    At CIFAR-10 ResNet sizes (batch scaled down from 128 to 16, for time) left-to-right needs
 *    intermediates over the adapter's limits, so the layers also run at a medium size where
 *    every plan fits.
 * 3. Convolution steps: the CP plan's steps (batch 8, 64 channels, 32x32, rank 16) timed one by
 *    one with the per-step kernel choice and with every step per output; and its depthwise step
 *    alone, tiled and per output, against the GEMM kernel at about the same MACs. Goal: the
 *    tiled depthwise step at >= 50 % of the GEMM's GFLOP/s.
 * 4. A peer: TensorFlow.js's WebGPU backend on the same adapter (tfjs-peer.ts), side by side with
 *    cein on matmul 256-1024, a 3x3 conv2d, and the CP and Tucker layers in cein's plan order;
 *    outputs checked against each other, time ratios in the report.
 * 5. Fixed costs: the time one more dispatch adds to a plan (a chain of tiny elementwise steps
 *    against a single one), and reading 2 MiB back through a fresh staging buffer against a
 *    reused one.
 * 6. The browser peer (browser-peer.ts): the CP layer on headless chromium's WebGPU, in the
 *    browser's runtime worker, against the same job on Node's Dawn, taking turns.
 * 7. Padding fused into the step that reads it: plans with reflect and circular padding run with
 *    the padding read through its index map and with a padding kernel first, side by side, with
 *    their dispatch counts; and GEMM steps (3x3 conv2d at 8, 16, 32 channels) fused, copied and
 *    on an input padded beforehand.
 *
 * `--only browser-peer` or `--only padding` runs that section alone and merges it into the
 * existing report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { ConvOptions } from '../server/src/engine/options.js';
import type { Plan } from '../server/src/engine/plan.js';
import { planExpression } from '../server/src/engine/planner.js';
import { formatCount, formatRatio } from '../server/src/engine/summary.js';
import { baselinePlans } from '../server/src/runtime/jobs/baselines.js';
import { benchLayerJob, gflops, timeRounds, timeRun, timing } from '../server/src/runtime/jobs/bench-layer.js';
import type { BenchResult, Timing } from '../server/src/runtime/jobs/types.js';
import { randomData, seededRandom } from '../server/src/runtime/random.js';
import { createStagingBuffer, readThrough, uploadTensor } from '../server/src/runtime/webgpu/buffers.js';
import { readTensor } from '../server/src/runtime/webgpu/readback.js';
import { acquireGpu } from '../server/src/runtime/webgpu/dawn.js';
import { formatAdapter, type Gpu } from '../server/src/runtime/webgpu/device.js';
import { GpuProgram, type CompileOptions } from '../server/src/runtime/webgpu/program.js';
import { browserPeer } from './browser-peer.js';
import { machine } from './machine.js';
import { loadTfjsPeer, relativeDifference, timeSideBySide, type TfjsPeer } from './tfjs-peer.js';
import type * as Tf from '@tensorflow/tfjs-core';

const GEMM_SIZES = [128, 256, 512, 1024];
const GEMM_ROUNDS = 7;

interface LayerSize {
  readonly config: string;
  readonly batch: number;
  readonly channels: number;
  readonly map: number;
  /** CP rank, Tucker ranks, TT ranks, TR ranks. */
  readonly ranks: { cp: number; tucker: number; tt: number; tr: number };
}

const SIZES: LayerSize[] = [
  { config: 'CIFAR-10 ResNet layer, batch 16', batch: 16, channels: 64, map: 32, ranks: { cp: 16, tucker: 16, tt: 16, tr: 8 } },
  { config: 'medium: batch 8, 32 channels, 16x16 maps', batch: 8, channels: 32, map: 16, ranks: { cp: 8, tucker: 8, tt: 8, tr: 4 } },
];

function layers(size: LayerSize): { name: string; expr: string; shapes: number[][] }[] {
  const { batch: b, channels: c, map: m, ranks } = size;
  const x = [b, c, m, m];
  return [
    { name: 'CP', expr: 'bshw,rt,rs,rh,rw->bthw|hw', shapes: [x, [ranks.cp, c], [ranks.cp, c], [ranks.cp, 3], [ranks.cp, 3]] },
    { name: 'Tucker', expr: 'bshw,(r1)t,(r2)s,(r1)(r2)hw->bthw|hw', shapes: [x, [ranks.tucker, c], [ranks.tucker, c], [ranks.tucker, ranks.tucker, 3, 3]] },
    { name: 'TT', expr: 'bshw,(r1)t,(r1)(r2)h,(r2)(r3)w,(r3)s->bthw|hw', shapes: [x, [ranks.tt, c], [ranks.tt, ranks.tt, 3], [ranks.tt, ranks.tt, 3], [ranks.tt, c]] },
    { name: 'TR', expr: 'bshw,(r0)(r1)t,(r1)(r2)h,(r2)(r3)w,(r3)(r0)s->bthw|hw', shapes: [x, [ranks.tr, ranks.tr, c], [ranks.tr, ranks.tr, 3], [ranks.tr, ranks.tr, 3], [ranks.tr, ranks.tr, c]] },
  ];
}

/** Times programs on the same inputs after a warm-up run each, in interleaved rounds in a seeded order that changes every round. */
async function timeInterleaved(gpu: Gpu, programs: readonly GpuProgram[], buffers: readonly GPUBuffer[], rounds: number): Promise<Timing[]> {
  for (const program of programs) {
    program.recycle(await program.run(buffers));
    await gpu.device.queue.onSubmittedWorkDone();
  }
  return (await timeRounds(gpu, programs, buffers, rounds, 1)).map(timing);
}

async function gemmBenchmark(gpu: Gpu) {
  const variants: { name: string; options: CompileOptions }[] = [
    { name: 'gemm', options: { kernel: 'gemm' } },
    { name: gpu.adapter.software ? 'gemm staged (the GPU variant)' : 'gemm unstaged (the CPU-adapter variant)', options: { kernel: 'gemm', staged: gpu.adapter.software } },
    { name: 'naive', options: { kernel: 'per-output' } },
  ];
  const rows = [];
  for (const n of GEMM_SIZES) {
    const plan = planExpression('ik,kj->ij', [[n, n], [n, n]]);
    const random = seededRandom(n);
    const buffers = plan.shapes.map((shape, k) => uploadTensor(gpu.device, randomData(shape, random), `operand ${k + 1}`));
    const programs = await Promise.all(variants.map((v) => GpuProgram.compile(gpu, plan, v.options)));
    const times = await timeInterleaved(gpu, programs, buffers, GEMM_ROUNDS);
    const kernels = Object.fromEntries(variants.map((v, i) => [v.name, { kernel: programs[i]!.kernelLabels[0], time: times[i], gflops: gflops(plan.flops, times[i]!.medianMs) }]));
    const ratio = times[2]!.medianMs / times[0]!.medianMs;
    rows.push({ n, flops: plan.flops, kernels, gemmOverNaive: ratio });
    console.log(`  ${n}x${n}x${n}: ${variants.map((v, i) => `${v.name} ${gflops(plan.flops, times[i]!.medianMs).toFixed(2)} GFLOP/s`).join(', ')}; gemm/naive ${ratio.toFixed(1)}x`);
    programs.forEach((p) => p.destroy());
    buffers.forEach((b) => b.destroy());
  }
  return rows;
}

const CONV_LAYER = { expr: 'bshw,rt,rs,rh,rw->bthw|hw', shapes: [[8, 64, 32, 32], [16, 64], [16, 64], [16, 3], [16, 3]] };
/** Depthwise steps as in the CP plan (batch, map, rank), zero-padded to the same size. */
const DEPTHWISE_SIZES = [
  [8, 32, 16],
  [16, 32, 16],
];

/**
 * Convolution steps: (a) the CP plan's steps timed one by one, with the per-step kernels and
 * with every step per output; (b) depthwise steps alone, tiled and per output, against the GEMM
 * kernel on a square product of about the same MACs, in interleaved rounds.
 */
async function convolutionSteps(gpu: Gpu) {
  const plans = baselinePlans(CONV_LAYER.expr, CONV_LAYER.shapes, {}, ['optimal']);
  const inputs = { kind: 'random' as const, shapes: CONV_LAYER.shapes, seed: 2 };
  const chosen = await benchLayerJob(gpu, { plans, inputs, warmup: 2, repeats: 3, check: true });
  const perOutput = await benchLayerJob(gpu, { plans, inputs, warmup: 2, repeats: 3, kernel: 'per-output' });
  const planSteps = chosen.plans[0]!.steps!.map((s, i) => {
    const naive = perOutput.plans[0]!.steps![i]!;
    return { spec: s.spec, kind: s.kind, macs: s.macs, kernels: s.kernels, gflops: s.gflops, ms: s.time.medianMs, perOutputKernels: naive.kernels, perOutputGflops: naive.gflops, perOutputMs: naive.time.medianMs };
  });
  for (const s of planSteps) {
    console.log(`  ${s.spec.padEnd(18)} ${formatCount(s.macs).padStart(7)} MACs  ${s.kernels}: ${s.gflops.toFixed(2)} GFLOP/s; per output: ${s.perOutputGflops.toFixed(2)} GFLOP/s`);
  }
  const depthwise = [];
  for (const [batch, map, rank] of DEPTHWISE_SIZES) {
    const step = planExpression('bhwr,rw->bhwr|w', [[batch!, map!, map!, rank!], [rank!, 3]], { conv: { w: { padding: { kind: 'same' } } } });
    const n = Math.round(Math.cbrt(step.macs));
    const gemm = planExpression('ik,kj->ij', [[n, n], [n, n]]);
    const random = seededRandom(6);
    const stepBuffers = step.shapes.map((shape, k) => uploadTensor(gpu.device, randomData(shape, random), `operand ${k + 1}`));
    const gemmBuffers = gemm.shapes.map((shape, k) => uploadTensor(gpu.device, randomData(shape, random), `operand ${k + 1}`));
    const programs = [await GpuProgram.compile(gpu, step), await GpuProgram.compile(gpu, step, { kernel: 'per-output' }), await GpuProgram.compile(gpu, gemm)];
    const [tiled, naive] = await timeInterleaved(gpu, programs.slice(0, 2), stepBuffers, GEMM_ROUNDS);
    const [product] = await timeInterleaved(gpu, programs.slice(2), gemmBuffers, GEMM_ROUNDS);
    programs.forEach((p) => p.destroy());
    [...stepBuffers, ...gemmBuffers].forEach((b) => b.destroy());
    const row = {
      step: `${step.expression} ${step.shapes.map((shape) => shape.join('x')).join(', ')}, padding same`,
      macs: step.macs,
      tiledGflops: gflops(step.flops, tiled!.medianMs),
      perOutputGflops: gflops(step.flops, naive!.medianMs),
      gemm: `ik,kj->ij at ${n}`,
      gemmGflops: gflops(gemm.flops, product!.medianMs),
    };
    depthwise.push({ ...row, tiledOverPerOutput: row.tiledGflops / row.perOutputGflops, tiledOverGemm: row.tiledGflops / row.gemmGflops });
    console.log(`  ${row.step}: tiled ${row.tiledGflops.toFixed(2)}, per output ${row.perOutputGflops.toFixed(2)}, ${row.gemm} ${row.gemmGflops.toFixed(2)} GFLOP/s; tiled = ${(100 * row.tiledGflops / row.gemmGflops).toFixed(0)} % of the GEMM (goal >= 50 %)`);
  }
  return { layer: CONV_LAYER, check: chosen.plans[0]!.check ?? null, planSteps, depthwise, goalMet: depthwise.every((d) => d.tiledOverGemm >= 0.5) };
}

interface PeerWorkload {
  readonly name: string;
  readonly expr: string;
  readonly shapes: number[][];
  /** The same computation in TensorFlow.js ops (NHWC), from cein's operands, returning cein's output layout. */
  readonly tf: (tf: typeof Tf, operands: Tf.Tensor[]) => { prepared: Tf.Tensor[]; run: (prepared: Tf.Tensor[]) => Tf.Tensor; toCein: (y: Tf.Tensor) => Tf.Tensor };
}

const NHWC = [0, 2, 3, 1];
const NCHW = [0, 3, 1, 2];

function peerWorkloads(): PeerWorkload[] {
  const matmuls = [256, 512, 1024].map(
    (n): PeerWorkload => ({
      name: `matmul ${n}`,
      expr: 'ik,kj->ij',
      shapes: [[n, n], [n, n]],
      tf: (tf, ops) => ({ prepared: ops, run: ([a, b]) => tf.matMul(a!, b!), toCein: (y) => y }),
    }),
  );
  const x = [16, 64, 32, 32];
  return [
    ...matmuls,
    {
      name: 'conv2d 3x3, batch 8, 32 -> 32 channels, 32x32',
      expr: 'bshw,tshw->bthw|hw',
      shapes: [[8, 32, 32, 32], [32, 32, 3, 3]],
      tf: (tf, [input, weight]) => ({
        prepared: [tf.transpose(input!, NHWC), tf.transpose(weight!, [2, 3, 1, 0])],
        run: ([xh, f]) => tf.conv2d(xh as Tf.Tensor4D, f as Tf.Tensor4D, 1, 'same'),
        toCein: (y) => tf.transpose(y, NCHW),
      }),
    },
    {
      name: 'CP layer, rank 16, CIFAR-10 sizes at batch 16',
      expr: 'bshw,rt,rs,rh,rw->bthw|hw',
      shapes: [x, [16, 64], [16, 64], [16, 3], [16, 3]],
      // cein's plan: bshw,rs->bhwr; bhwr,rw->bhwr|w; bhwr,rh->bhwr|h; bhwr,rt->bthw.
      tf: (tf, [input, ut, us, uh, uw]) => ({
        prepared: [tf.reshape(tf.transpose(input!, NHWC), [16 * 32 * 32, 64]), ut!, us!, tf.reshape(tf.transpose(uh!), [3, 1, 16, 1]), tf.reshape(tf.transpose(uw!), [1, 3, 16, 1])],
        run: ([xs, t, s, h, w]) => {
          const y1 = tf.reshape(tf.matMul(xs!, s!, false, true), [16, 32, 32, 16]) as Tf.Tensor4D;
          const y2 = tf.depthwiseConv2d(y1, w as Tf.Tensor4D, 1, 'same');
          const y3 = tf.depthwiseConv2d(y2, h as Tf.Tensor4D, 1, 'same');
          return tf.reshape(tf.matMul(tf.reshape(y3, [16 * 32 * 32, 16]), t!), [16, 32, 32, 64]);
        },
        toCein: (y) => tf.transpose(y, NCHW),
      }),
    },
    {
      name: 'Tucker layer, ranks 16, 16, CIFAR-10 sizes at batch 16',
      expr: 'bshw,(r1)t,(r2)s,(r1)(r2)hw->bthw|hw',
      shapes: [x, [16, 64], [16, 64], [16, 16, 3, 3]],
      // cein's plan: bshw,(r2)s->bhw(r2); bhw(r2),(r1)(r2)hw->bhw(r1)|hw; bhw(r1),(r1)t->bthw.
      tf: (tf, [input, ut, us, core]) => ({
        prepared: [tf.reshape(tf.transpose(input!, NHWC), [16 * 32 * 32, 64]), ut!, us!, tf.transpose(core!, [2, 3, 1, 0])],
        run: ([xs, t, s, f]) => {
          const y1 = tf.reshape(tf.matMul(xs!, s!, false, true), [16, 32, 32, 16]) as Tf.Tensor4D;
          const y2 = tf.conv2d(y1, f as Tf.Tensor4D, 1, 'same');
          return tf.reshape(tf.matMul(tf.reshape(y2, [16 * 32 * 32, 16]), t!), [16, 32, 32, 64]);
        },
        toCein: (y) => tf.transpose(y, NCHW),
      }),
    },
  ];
}

/** cein and TensorFlow.js side by side on each workload, in interleaved rounds, outputs checked against each other. */
async function tfjsComparison(gpu: Gpu, peer: TfjsPeer) {
  const { tf } = peer;
  const rows = [];
  for (const workload of peerWorkloads()) {
    const plan = planExpression(workload.expr, workload.shapes);
    const random = seededRandom(8);
    const data = workload.shapes.map((shape) => randomData(shape, random));
    const buffers = data.map((d, k) => uploadTensor(gpu.device, d, `operand ${k + 1}`));
    const program = await GpuProgram.compile(gpu, plan);
    const operands = data.map((d, k) => tf.tensor(Float32Array.from(d), workload.shapes[k]!));
    const { prepared, run, toCein } = workload.tf(tf, operands);
    const ceinOutput = await program.run(buffers);
    const ours = await readTensor(gpu.device, ceinOutput, plan.outputShape.reduce((x, y) => x * y, 1));
    program.recycle(ceinOutput);
    const theirs = tf.tidy(() => toCein(run(prepared)));
    const difference = relativeDifference(await theirs.data(), ours);
    theirs.dispose();
    const ceinRun = () => timeRun(gpu, program, buffers);
    const [cein, tfjs] = await timeSideBySide([ceinRun, () => peer.time(() => run(prepared))], GEMM_ROUNDS);
    program.destroy();
    buffers.forEach((b) => b.destroy());
    [...operands, ...prepared].forEach((t) => t.dispose());
    const row = { workload: workload.name, expression: workload.expr, shapes: workload.shapes, cein: cein!, tfjs: tfjs!, tfjsOverCein: tfjs!.medianMs / cein!.medianMs, relativeDifference: difference, agree: difference <= 1e-4 };
    rows.push(row);
    console.log(`  ${row.workload}: cein ${cein!.medianMs.toFixed(2)} ms, TensorFlow.js ${tfjs!.medianMs.toFixed(2)} ms: cein ${formatRatio(tfjs!.medianMs, cein!.medianMs)} faster; outputs ${row.agree ? 'agree' : 'DIFFER'} (max difference ${difference.toExponential(1)} of max |y|)`);
  }
  return rows;
}

const CHAIN_STEPS = 16;
const OVERHEAD_ROUNDS = 21;

/**
 * What one more dispatch costs: a plan of CHAIN_STEPS tiny elementwise steps (one dispatch each,
 * one submission) against a plan of one such step, in interleaved rounds.
 */
async function dispatchOverhead(gpu: Gpu) {
  const operands = CHAIN_STEPS + 1;
  const letters = Array.from({ length: operands }, () => 'a').join(',');
  const chain = planExpression(`${letters}->a`, Array.from({ length: operands }, () => [64]));
  const single = planExpression('a,a->a', [[64], [64]]);
  const random = seededRandom(3);
  const buffers = chain.shapes.map((shape, k) => uploadTensor(gpu.device, randomData(shape, random), `operand ${k + 1}`));
  const programs = [await GpuProgram.compile(gpu, chain), await GpuProgram.compile(gpu, single)];
  const [chainTime, singleTime] = await timeInterleaved(gpu, programs, buffers, OVERHEAD_ROUNDS);
  programs.forEach((p) => p.destroy());
  buffers.forEach((b) => b.destroy());
  const perDispatchMs = (chainTime!.medianMs - singleTime!.medianMs) / (chain.steps.length - 1);
  console.log(`  one step: ${singleTime!.medianMs.toFixed(3)} ms; ${chain.steps.length} steps: ${chainTime!.medianMs.toFixed(3)} ms; per extra dispatch ${perDispatchMs.toFixed(3)} ms`);
  return { chainSteps: chain.steps.length, chain: chainTime, single: singleTime, perDispatchMs };
}

/** Reading 2 MiB back: a fresh staging buffer per read (as before the pool) against the kept one. */
async function readbackCost(gpu: Gpu) {
  const elements = (2 * 2 ** 20) / 4;
  const buffer = uploadTensor(gpu.device, randomData([elements], seededRandom(4)), 'readback source');
  const fresh: number[] = [];
  const reused: number[] = [];
  await readTensor(gpu.device, buffer, elements);
  for (let r = 0; r < OVERHEAD_ROUNDS; r++) {
    let started = performance.now();
    const staging = createStagingBuffer(gpu.device, elements, 'fresh readback');
    await readThrough(gpu.device, buffer, elements, staging);
    staging.destroy();
    fresh.push(performance.now() - started);
    started = performance.now();
    await readTensor(gpu.device, buffer, elements);
    reused.push(performance.now() - started);
  }
  buffer.destroy();
  const result = { bytes: elements * 4, fresh: timing(fresh), reused: timing(reused) };
  console.log(`  read back 2 MiB: fresh staging ${result.fresh.medianMs.toFixed(3)} ms (max ${result.fresh.maxMs.toFixed(2)}), reused ${result.reused.medianMs.toFixed(3)} ms (max ${result.reused.maxMs.toFixed(2)})`);
  return result;
}

const PADDING_ROUNDS = 21;
const SAME: ConvOptions = { padding: { kind: 'same' } };

/** Plans whose padding the step's kernel can read itself: the CP plan's depthwise steps (tiled) and a depthwise step alone. */
function paddingWorkloads(): { name: string; plan: Plan }[] {
  const cp = (mode: 'reflect' | 'circular') => planExpression(CONV_LAYER.expr, CONV_LAYER.shapes, { conv: { h: { ...SAME, mode }, w: { ...SAME, mode } } });
  const depthwise = (mode: 'reflect' | 'circular') => planExpression('bhwr,rw->bhwr|w', [[8, 32, 32, 16], [16, 3]], { conv: { w: { ...SAME, mode } } });
  return [
    { name: 'CP layer, reflect', plan: cp('reflect') },
    { name: 'CP layer, circular', plan: cp('circular') },
    { name: 'depthwise step, reflect', plan: depthwise('reflect') },
    { name: 'depthwise step, circular', plan: depthwise('circular') },
  ];
}

/**
 * Padding fused into the step against a padding kernel first, in interleaved rounds on the same
 * inputs, outputs compared; then GEMM steps.
 */
async function paddingFusion(gpu: Gpu) {
  const rows = [];
  for (const { name, plan } of paddingWorkloads()) {
    const random = seededRandom(7);
    const buffers = plan.shapes.map((shape, k) => uploadTensor(gpu.device, randomData(shape, random), `operand ${k + 1}`));
    const programs = [await GpuProgram.compile(gpu, plan), await GpuProgram.compile(gpu, plan, { padding: 'copied' })];
    const outputs = [];
    for (const program of programs) {
      const output = await program.run(buffers);
      outputs.push(await readTensor(gpu.device, output, output.size / 4));
      program.recycle(output);
    }
    const [fused, copied] = await timeInterleaved(gpu, programs, buffers, PADDING_ROUNDS);
    const row = {
      workload: `${name}: ${plan.expression} ${plan.shapes.map((shape) => shape.join('x')).join(', ')}`,
      dispatches: { fused: programs[0]!.dispatchCount, copied: programs[1]!.dispatchCount },
      kernels: { fused: programs[0]!.kernelLabels, copied: programs[1]!.kernelLabels },
      fused: fused!,
      copied: copied!,
      copiedOverFused: copied!.medianMs / fused!.medianMs,
      maxDifference: relativeDifference(outputs[0]!, outputs[1]!),
    };
    programs.forEach((p) => p.destroy());
    buffers.forEach((b) => b.destroy());
    rows.push(row);
    const quartiles = (t: Timing) => `${t.medianMs.toFixed(2)} ms (${t.q1Ms.toFixed(2)}-${t.q3Ms.toFixed(2)})`;
    console.log(`  ${name}: fused ${quartiles(row.fused)}, ${row.dispatches.fused} dispatches; padding copied ${quartiles(row.copied)}, ${row.dispatches.copied} dispatches: ${row.copiedOverFused.toFixed(2)}x; outputs differ by ${row.maxDifference.toExponential(1)} of max |y|`);
  }
  return { rounds: PADDING_ROUNDS, rows, gemm: await gemmPadding(gpu) };
}

/** GEMM steps: 3x3 reflect-padded conv2d, batch 16, 16x16 maps, at each of these channel counts (in = out). */
const GEMM_PADDING_CHANNELS = [8, 16, 32, 64];

/**
 * The GEMM reading the padding itself against a padding kernel first, and against the same
 * GEMM on an input padded beforehand (no padding at all), in interleaved rounds; the rule in
 * kernels.ts fuses only where the GEMM loads each padded value once per tap.
 */
async function gemmPadding(gpu: Gpu) {
  const rows = [];
  for (const c of GEMM_PADDING_CHANNELS) {
    const [b, m] = [16, 16];
    const padded = planExpression('bshw,tshw->bthw|hw', [[b, c, m, m], [c, c, 3, 3]], { conv: { h: { ...SAME, mode: 'reflect' }, w: { ...SAME, mode: 'reflect' } } });
    const valid = planExpression('bshw,tshw->bthw|hw', [[b, c, m + 2, m + 2], [c, c, 3, 3]], { conv: { h: { padding: { kind: 'valid' } }, w: { padding: { kind: 'valid' } } } });
    // The input padded beforehand is the larger: every program reads it (the padded plan only its first elements).
    const buffers = valid.shapes.map((shape, k) => uploadTensor(gpu.device, randomData(shape, seededRandom(8 + k)), `operand ${k + 1}`));
    const programs = [
      await GpuProgram.compile(gpu, padded, { padding: 'fused' }),
      await GpuProgram.compile(gpu, padded, { padding: 'copied' }),
      await GpuProgram.compile(gpu, valid),
      await GpuProgram.compile(gpu, padded),
    ];
    const [fused, copied, prepadded] = await timeInterleaved(gpu, programs.slice(0, 3), buffers, PADDING_ROUNDS);
    const row = {
      workload: `${padded.expression} ${padded.shapes.map((shape) => shape.join('x')).join(', ')}, reflect, same`,
      chosen: programs[3]!.dispatchCount === programs[0]!.dispatchCount ? 'fused' : 'copied',
      kernels: { fused: programs[0]!.kernelLabels, copied: programs[1]!.kernelLabels },
      fused: fused!,
      copied: copied!,
      inputPaddedBeforehand: prepadded!,
      copiedOverFused: copied!.medianMs / fused!.medianMs,
    };
    programs.forEach((p) => p.destroy());
    buffers.forEach((buffer) => buffer.destroy());
    rows.push(row);
    const quartiles = (t: Timing) => `${t.medianMs.toFixed(2)} ms (${t.q1Ms.toFixed(2)}-${t.q3Ms.toFixed(2)})`;
    console.log(`  GEMM, ${c} channels: fused ${quartiles(row.fused)}; padding copied ${quartiles(row.copied)}; input padded beforehand ${quartiles(row.inputPaddedBeforehand)}: copied/fused ${row.copiedOverFused.toFixed(2)}x; chosen: ${row.chosen}`);
  }
  return rows;
}

/** numpy's float32 matmul at the same sizes, when python3 with numpy is installed. */
function numpyMatmul(): { library: string; rows: { n: number; gflops: number }[] } | null {
  const script = [
    'import json, time, numpy as np',
    'rows = []',
    `for n in ${JSON.stringify(GEMM_SIZES)}:`,
    '    a = np.random.rand(n, n).astype(np.float32)',
    '    b = np.random.rand(n, n).astype(np.float32)',
    '    a @ b',
    '    times = []',
    `    for _ in range(${GEMM_ROUNDS}):`,
    '        started = time.perf_counter()',
    '        a @ b',
    '        times.append(time.perf_counter() - started)',
    '    median = sorted(times)[len(times) // 2]',
    '    rows.append({"n": n, "gflops": 2 * n ** 3 / median / 1e9})',
    'print(json.dumps({"library": "numpy " + np.__version__, "rows": rows}))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) return null;
  try {
    return JSON.parse(result.stdout) as { library: string; rows: { n: number; gflops: number }[] };
  } catch {
    return null;
  }
}

function summarizeLayer(config: string, name: string, result: BenchResult) {
  const [optimal, ...baselines] = result.plans;
  const comparisons = baselines.map((p) => {
    const measured = p.time && optimal?.time ? p.time.medianMs / optimal.time.medianMs : null;
    return { plan: p.name, flopRatio: p.flopRatio, measuredRatio: measured, goalMet: measured === null ? null : measured >= p.flopRatio / 2, skipped: p.skipped ?? null };
  });
  for (const p of result.plans) {
    if (p.sameAs) continue;
    const t = p.time;
    const time = t ? `${t.medianMs.toFixed(2)} ms (quartiles ${t.q1Ms.toFixed(2)}-${t.q3Ms.toFixed(2)}, min ${t.minMs.toFixed(2)}, max ${t.maxMs.toFixed(2)}), ${(p.gflops ?? 0).toFixed(2)} GFLOP/s` : `skipped: ${p.skipped}`;
    console.log(`    ${p.name.padEnd(15)} ${formatCount(p.macs).padStart(8)} MACs  ${time}${p.check && !p.check.ok ? '  CHECK FAILED' : ''}`);
  }
  if (result.samePlans) console.log(`    ${result.samePlans}`);
  for (const c of comparisons) {
    if (c.measuredRatio === null) continue;
    console.log(`    optimal vs ${c.plan}: FLOPs ${formatRatio(c.flopRatio, 1)}, measured ${formatRatio(c.measuredRatio, 1)} (goal >= ${formatRatio(c.flopRatio / 2, 1)}: ${c.goalMet ? 'met' : 'MISSED'})`);
  }
  return { config, layer: name, expression: result.expression, shapes: result.shapes, plans: result.plans, comparisons };
}

const REPORT = 'bench/reports/runtime.json';

/** The sections `--only NAME` runs alone, each merged into the existing report under its key. */
const SECTIONS: Record<string, { key: string; title: string; run: (gpu: Gpu) => Promise<object> }> = {
  'browser-peer': { key: 'browserPeer', title: 'the browser\'s WebGPU (headless chromium) against Node\'s Dawn, taking turns:', run: browserPeer },
  padding: {
    key: 'padding',
    title: 'padding fused into the step that reads it, against a padding kernel first (median and quartiles of interleaved runs):',
    run: async (gpu) => ({ adapter: gpu.adapter, ...(await paddingFusion(gpu)) }),
  },
};

async function sectionOnly(gpu: Gpu, name: string | undefined): Promise<void> {
  const section = name === undefined ? undefined : SECTIONS[name];
  if (!section) throw new Error(`--only takes ${Object.keys(SECTIONS).map((s) => `"${s}"`).join(' or ')}, not "${name ?? ''}"`);
  console.log(`adapter: ${formatAdapter(gpu.adapter)}`);
  console.log(section.title);
  const report = existsSync(REPORT) ? (JSON.parse(readFileSync(REPORT, 'utf8')) as Record<string, unknown>) : { benchmark: 'runtime' };
  report[section.key] = { date: new Date().toISOString(), machine: machine(), ...(await section.run(gpu)) };
  mkdirSync('bench/reports', { recursive: true });
  writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`report: ${REPORT} (${section.key} section only)`);
}

async function main(): Promise<void> {
  const gpu = await acquireGpu();
  const only = process.argv.indexOf('--only');
  if (only >= 0) {
    try {
      await sectionOnly(gpu, process.argv[only + 1]);
    } finally {
      await gpu.release();
    }
    return;
  }
  try {
    console.log(`adapter: ${formatAdapter(gpu.adapter)}`);
    console.log('GEMM (ik,kj->ij), median of interleaved runs:');
    const gemm = await gemmBenchmark(gpu);
    const numpy = numpyMatmul();
    if (numpy) console.log(`  ${numpy.library} float32 on the CPU: ${numpy.rows.map((r) => `${r.n}: ${r.gflops.toFixed(1)} GFLOP/s`).join(', ')}`);

    console.log('\nconvolution steps of the CP plan, each timed alone:');
    const convolution = await convolutionSteps(gpu);

    console.log('\nTensorFlow.js WebGPU on the same adapter, side by side (median of interleaved runs):');
    const peer = await loadTfjsPeer(gpu.adapter);
    const tfjs = peer ? { library: `@tensorflow/tfjs-backend-webgpu ${peer.version}`, adapter: peer.adapter, rows: await tfjsComparison(gpu, peer) } : null;

    console.log('\nfixed costs, median of interleaved runs:');
    const overhead = { dispatch: await dispatchOverhead(gpu), readback: await readbackCost(gpu) };

    console.log('\nthe browser\'s WebGPU (headless chromium) against Node\'s Dawn, taking turns:');
    const browser = await browserPeer(gpu);

    console.log('\npadding fused into the step that reads it, against a padding kernel first (median and quartiles of interleaved runs):');
    const padding = { date: new Date().toISOString(), ...(await paddingFusion(gpu)) };

    const layerRows = [];
    for (const size of SIZES) {
      console.log(`\n${size.config}:`);
      for (const layer of layers(size)) {
        console.log(`  ${layer.name}: ${layer.expr} ${layer.shapes.map((s) => s.join('x')).join(', ')}`);
        const plans = baselinePlans(layer.expr, layer.shapes);
        const result = await benchLayerJob(gpu, { plans, inputs: { kind: 'random', shapes: layer.shapes, seed: 1 }, warmup: 2, repeats: 7, check: true });
        layerRows.push(summarizeLayer(size.config, layer.name, result));
      }
    }

    const gemmGoal = { target: 'gemm >= 4x naive', met: gemm.every((r) => r.gemmOverNaive >= 4), ratios: gemm.map((r) => ({ n: r.n, ratio: r.gemmOverNaive })) };
    const compared = layerRows.flatMap((l) => l.comparisons.filter((c) => c.goalMet !== null).map((c) => ({ layer: `${l.layer} (${l.config})`, ...c })));
    const layerGoal = { target: 'measured speed-up >= half the FLOP ratio', met: compared.every((c) => c.goalMet), comparisons: compared };
    const numpyComparison = numpy?.rows.map((r) => {
      const ours = gemm.find((g) => g.n === r.n)!;
      return { n: r.n, numpyGflops: r.gflops, gemmGflops: ours.kernels['gemm']!.gflops, gemmOverNumpy: ours.kernels['gemm']!.gflops / r.gflops };
    }) ?? null;
    const report = {
      benchmark: 'runtime',
      date: new Date().toISOString(),
      machine: machine(),
      adapter: gpu.adapter,
      limits: { maxStorageBufferBindingSize: gpu.limits.maxStorageBufferBindingSize, maxComputeInvocationsPerWorkgroup: gpu.limits.maxComputeInvocationsPerWorkgroup, maxComputeWorkgroupStorageSize: gpu.limits.maxComputeWorkgroupStorageSize },
      gemm,
      numpy: numpy ? { library: numpy.library, note: 'float32 matmul on the CPU cores (OpenBLAS), for scale', comparison: numpyComparison } : null,
      convolution,
      tfjs,
      overhead,
      browserPeer: browser,
      padding,
      layers: layerRows,
      goals: { gemm: gemmGoal, layers: layerGoal, convolution: { target: 'depthwise steps >= 50 % of the GEMM kernel\'s GFLOP/s at about the same MACs', met: convolution.goalMet, ratios: convolution.depthwise.map((d) => d.tiledOverGemm) } },
    };
    mkdirSync('bench/reports', { recursive: true });
    writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\ngoals: GEMM >= 4x naive ${gemmGoal.met ? 'met' : 'MISSED'}; measured speed-up >= half the FLOP ratio ${layerGoal.met ? 'met' : 'MISSED'} (${compared.filter((c) => c.goalMet).length} of ${compared.length})`);
    console.log('report: bench/reports/runtime.json');
  } finally {
    await gpu.release();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
