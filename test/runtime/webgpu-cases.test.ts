/**
 * The numeric cases of the CPU runtime suite (conv, einsum, layers, orders) and every sample
 * layer, run on the WebGPU device: convolutions against the hand-written conv loops, everything
 * against the CPU float64 run of the same plan, with the planner's tree, left to right and
 * random trees.
 *
 * Tolerance rule (webgpu-harness.ts): max |gpu - reference| <= 1e-4 * max |reference|.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvOptions, ConvOptionsMap, Padding } from '../../server/src/engine/options.js';
import type { PlanTree } from '../../server/src/engine/plan.js';
import { analyzeOrThrow, type Analysis } from '../../server/src/engine/shapes.js';
import type { Tensor } from '../../server/src/runtime/cpu/tensor.js';
import { runPlanOnGpu } from '../../server/src/runtime/webgpu/executor.js';
import { parseConvFlags } from '../../server/src/cli/arguments.js';
import { randomExpression, tnnExpression, type GeneratedExpression } from '../helpers/expressions.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { leftToRight, pair, randomTree } from './evaluate.js';
import { conv1d, conv2d, cpKernel, LAYER_SETTINGS, paddingOf, ttKernel, tuckerKernel, type AxisConv, type Mode } from './reference.js';
import { expectPlanMatches, expectWithinTolerance, planOf, testGpu } from './webgpu-harness.js';

const gpu = await testGpu();
afterAll(() => gpu?.release());

/** The plan of each tree on the device, against the expected tensor when given and always against the CPU float64 run. */
async function expectTrees(text: string, inputs: readonly Tensor[], conv: ConvOptionsMap, trees: readonly (PlanTree | undefined)[], expected?: Tensor): Promise<void> {
  for (const tree of trees) {
    const plan = planOf(text, inputs, conv, tree);
    const output = await expectPlanMatches(gpu!, plan, inputs);
    if (expected) expectWithinTolerance(output, expected, `${text} against the hand loop`);
  }
}

type Form = 'valid' | 'same' | 'full' | number | [number, number];
const FORMS: Form[] = [1, [2, 0], 'valid', 'same', 'full'];
const MODES: Mode[] = ['zeros', 'circular', 'reflect', 'replicate'];
const STRIDE_DILATION: [number, number][] = [[1, 1], [2, 1], [1, 2], [3, 2]];
const CASES = FORMS.flatMap((form) => MODES.flatMap((mode) => STRIDE_DILATION.map(([stride, dilation]) => ({ form, mode, stride: form === 'same' ? 1 : stride, dilation }))));
type AxisCase = (typeof CASES)[number];

function paddingOption(form: Form): Padding {
  if (typeof form === 'number') return { kind: 'explicit', lo: form, hi: form };
  if (Array.isArray(form)) return { kind: 'explicit', lo: form[0], hi: form[1] };
  return { kind: form };
}
const option = (c: AxisCase): ConvOptions => ({ stride: c.stride, dilation: c.dilation, padding: paddingOption(c.form), mode: c.mode });
const axisOf = (c: AxisCase, k: number): AxisConv => ({ stride: c.stride, dilation: c.dilation, mode: c.mode, ...paddingOf(c.form, k, c.dilation) });
const name = (c: AxisCase) => `padding ${JSON.stringify(c.form)} ${c.mode} stride ${c.stride} dilation ${c.dilation}`;
const BOTH_SIDES = [pair(0, 1), pair(1, 0)];

describe.skipIf(!gpu)('conv1d bsh,tsh->bth|h: every padding form and mode, stride and dilation', () => {
  const random = seeded(101);
  const x = randomTensor([2, 3, 8], random);
  const w = randomTensor([4, 3, 3], random);
  for (const c of CASES) it(name(c), () => expectTrees('bsh,tsh->bth|h', [x, w], { h: option(c) }, BOTH_SIDES, conv1d(x, w, axisOf(c, 3))));
});

describe.skipIf(!gpu)('conv2d bshw,tshw->bthw|hw: each axis with its own settings', () => {
  const random = seeded(202);
  const x = randomTensor([2, 3, 7, 6], random);
  const w = randomTensor([4, 3, 3, 2], random);
  CASES.forEach((alongH, i) => {
    const alongW = CASES[(i * 7 + 3) % CASES.length]!;
    it(`h: ${name(alongH)}; w: ${name(alongW)}`, () =>
      expectTrees('bshw,tshw->bthw|hw', [x, w], { h: option(alongH), w: option(alongW) }, BOTH_SIDES, conv2d(x, w, axisOf(alongH, 3), axisOf(alongW, 2))));
  });

  it('the filter written first, conv indices absent from the output, the output in another order', async () => {
    const conv = { h: { stride: 2, padding: { kind: 'full' as const }, mode: 'circular' as const }, w: { dilation: 2, mode: 'replicate' as const } };
    await expectTrees('tshw,bshw->bthw|hw', [w, x], conv, BOTH_SIDES);
    await expectTrees('bshw,tshw->bt|hw', [x, w], { h: { mode: 'reflect' }, w: { stride: 2, padding: { kind: 'valid' } } }, BOTH_SIDES);
    await expectTrees('bshw,tshw->wthb|hw', [x, w], {}, BOTH_SIDES);
  });
});

describe.skipIf(!gpu)('einsum semantics', () => {
  const random = seeded(404);
  const cases: [string, number[][]][] = [
    ['ij,jk->ik', [[3, 4], [4, 5]]],
    ['bij,bjk->bik', [[2, 3, 4], [2, 4, 2]]],
    ['i,j->ji', [[3], [2]]],
    ['i,i->', [[5], [5]]],
    [',i,->i', [[], [3], []]],
    [',->', [[], []]],
    ['ii->i', [[4, 4]]],
    ['ii->', [[4, 4]]],
    ['iij,jk->ik', [[3, 3, 4], [4, 5]]],
    ['ijk->ki', [[2, 3, 4]]],
    ['ij,kl->ik', [[2, 3], [4, 2]]],
    ['bh,bt->th|h', [[2, 5], [2, 3]]],
    ['ij,jk,kl,lm->im', [[2, 3], [3, 4], [4, 2], [2, 3]]],
  ];
  for (const [text, shapes] of cases) {
    it(text, async () => {
      const inputs = shapes.map((shape) => randomTensor(shape, random));
      const trees = shapes.length > 1 ? [undefined, leftToRight(shapes.length), randomTree(shapes.length, random)] : [undefined];
      await expectTrees(text, inputs, {}, trees);
    });
  }
});

describe.skipIf(!gpu)('tensorial layers against their rebuilt kernels (hand loops), in several orders', () => {
  const random = seeded(303);
  const x = randomTensor([2, 3, 7, 6], random);
  const settings = LAYER_SETTINGS;
  const layers: { text: string; factors: Tensor[]; kernel: (f: Tensor[]) => Tensor }[] = [
    { text: 'bshw,rt,rs,rh,rw->bthw|hw', factors: [[3, 4], [3, 3], [3, 3], [3, 2]].map((s) => randomTensor(s, random)), kernel: (f) => cpKernel(f[0]!, f[1]!, f[2]!, f[3]!) },
    { text: 'bshw,(r1)t,(r2)s,(r1)(r2)hw->bthw|hw', factors: [[2, 4], [3, 3], [2, 3, 3, 2]].map((s) => randomTensor(s, random)), kernel: (f) => tuckerKernel(f[0]!, f[1]!, f[2]!) },
    { text: 'bshw,(r1)t,(r1)(r2)h,(r2)(r3)w,(r3)s->bthw|hw', factors: [[2, 4], [2, 3, 3], [3, 2, 2], [2, 3]].map((s) => randomTensor(s, random)), kernel: (f) => ttKernel(f[0]!, f[1]!, f[2]!, f[3]!) },
  ];
  for (const layer of layers) {
    for (const s of settings) {
      it(`${layer.text}, ${s.name}`, async () => {
        const n = layer.factors.length + 1;
        const trees = [undefined, leftToRight(n), randomTree(n, random), randomTree(n, random)];
        await expectTrees(layer.text, [x, ...layer.factors], s.conv, trees, conv2d(x, layer.kernel(layer.factors), s.h, s.w));
      });
    }
  }

  it('several filters along one conv index, and depthwise separable', async () => {
    const x1 = randomTensor([2, 3, 12], random);
    const w = randomTensor([4, 3, 3], random);
    const g1 = randomTensor([2], random);
    const g2 = randomTensor([3], random);
    const conv = { h: { stride: 2, dilation: 2, padding: { kind: 'explicit' as const, lo: 3, hi: 1 }, mode: 'reflect' as const } };
    await expectTrees('bsh,tsh,h->bth|h', [x1, w, g1], conv, [undefined, leftToRight(3), { left: pair(0, 2), right: { leaf: 1 } }]);
    await expectTrees('bsh,h,tsh,h->bth|h', [x1, g1, w, g2], conv, [undefined, leftToRight(4), randomTree(4, random)]);
    const gh = randomTensor([3, 3], random);
    const gw = randomTensor([3, 2], random);
    for (const s of settings) await expectTrees('bshw,sh,sw->bshw|hw', [x, gh, gw], s.conv, [undefined, leftToRight(3)]);
  });
});

/** Iterations of the direct evaluator, as the CPU suite counts them to pick small expressions. */
function directWork(analysis: Analysis): number {
  return analysis.indices.reduce((work, info) => work * (info.conv ? info.conv.outputSize * info.conv.filterSizes.reduce((p, k) => p * k, 1) : info.size), 1);
}

function smallExpressions(count: number, make: (seed: number) => GeneratedExpression): GeneratedExpression[] {
  const found: GeneratedExpression[] = [];
  for (let seed = 1; found.length < count && seed < 50 * count; seed++) {
    const e = make(seed);
    if (directWork(analyzeOrThrow(e.text, e.shapes, e.conv)) <= 20_000) found.push(e);
  }
  return found;
}

async function expectOrdersAgree(e: Pick<GeneratedExpression, 'text' | 'shapes' | 'conv' | 'seed'>): Promise<void> {
  const random = seeded(e.seed * 31 + 5);
  const inputs = e.shapes.map((shape) => randomTensor(shape, random));
  const n = e.shapes.length;
  await expectTrees(e.text, inputs, e.conv, n < 2 ? [undefined] : [undefined, leftToRight(n), randomTree(n, random)]);
}

describe.skipIf(!gpu)('random expressions and TNN layers, in several orders', () => {
  const expressions = smallExpressions(60, (seed) => randomExpression(seed, { maxOperands: 5, maxPlainSize: 3, maxFeatureSize: 7, maxPlain: 5 }));
  const layers = smallExpressions(12, (seed) => tnnExpression(3 + (seed % 3), seed, { randomConvOptions: true, batch: 1, spatial: 5 }));
  it('finds as many as the CPU suite', () => expect([expressions.length, layers.length]).toEqual([60, 12]));
  for (const e of [...expressions, ...layers]) it(`${e.family} #${e.seed} ${e.text} ${JSON.stringify(e.shapes)} ${JSON.stringify(e.conv)}`, () => expectOrdersAgree(e));

  const diagonals: [string, number[][], ConvOptionsMap][] = [
    ['iih,th->ith|h', [[3, 3, 7], [2, 3]], { h: { stride: 2, padding: { kind: 'valid' } } }],
    ['ijjh,h,jh->ih|h', [[2, 3, 3, 8], [3], [3, 2]], { h: { dilation: 2, mode: 'reflect' } }],
    ['bii,ih,bh->bh|h', [[2, 3, 3], [3, 4], [2, 9]], { h: { padding: { kind: 'full' }, mode: 'circular' } }],
    ['kkhw,hw,kw->|hw', [[2, 2, 6, 5], [3, 2], [2, 2]], { h: { stride: 2, padding: { kind: 'explicit', lo: 1, hi: 0 } } }],
  ];
  diagonals.forEach(([text, shapes, conv], i) => it(`diagonals with convolutions: ${text}`, () => expectOrdersAgree({ text, shapes, conv, seed: 1000 + i })));
});

describe.skipIf(!gpu)('every sample layer at its run shapes', () => {
  const samples = JSON.parse(readFileSync('samples/expressions.json', 'utf8')) as { layers: { name: string; expr: string; runShapes: number[][]; options?: Record<string, string> }[] };
  samples.layers.forEach((layer, k) => {
    it(layer.name, async () => {
      const random = seeded(k + 1);
      const inputs = layer.runShapes.map((shape) => randomTensor(shape, random));
      const plan = planOf(layer.expr, inputs, parseConvFlags(layer.options ?? {}));
      const run = await runPlanOnGpu(gpu!, plan, inputs);
      expect(run.output.shape).toEqual(plan.outputShape);
      await expectPlanMatches(gpu!, plan, inputs);
    });
  });
});
