/**
 * The exported `forward` computes what the CPU float64 executor computes for the same plan
 * (max abs error <= 1e-10 x max|y|, float64): every layer of samples/ at small sizes, and
 * random expressions with random stride, padding, dilation and modes, multi-way convolutions
 * and diagonals, each under the planner's tree and a random tree (so filter-filter steps, the
 * feature on either side and every step form come up). All cases run in one python process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportError, exportExpressionToTorch, stepForms, type StepForm } from '../../server/src/engine/export/torch.js';
import type { ConvOptionsMap } from '../../server/src/engine/options.js';
import type { Plan } from '../../server/src/engine/plan.js';
import { planExpression, planFromTree } from '../../server/src/engine/planner.js';
import { executePlan } from '../../server/src/runtime/cpu/execute.js';
import { randomExpression, tnnExpression, writeExpression, type GeneratedExpression } from '../helpers/expressions.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { randomTree } from '../runtime/evaluate.js';
import { describeWithTorch, runDriver, Workspace } from './python.js';
import { sampleLayers } from './sample-layers.js';

interface Case {
  readonly name: string;
  readonly plan: Plan;
}

interface Result {
  readonly name: string;
  readonly error?: number;
  readonly scale?: number;
  readonly exception?: string;
}

const TOLERANCE = 1e-10;

/** A random expression, sometimes with a plain index repeated in one term (a diagonal). */
function withDiagonal(e: GeneratedExpression, random: () => number): GeneratedExpression {
  const convs = new Set(e.convs);
  const choices = e.terms.flatMap((term, k) => term.flatMap((name, i) => (convs.has(name) ? [] : [[k, i] as const])));
  if (choices.length === 0) return e;
  const [k, i] = choices[Math.floor(random() * choices.length)]!;
  const terms = e.terms.map((term, j) => (j === k ? [...term, term[i]!] : [...term]));
  const shapes = e.shapes.map((shape, j) => (j === k ? [...shape, shape[i]!] : [...shape]));
  return { ...e, terms, shapes, text: writeExpression(terms, e.output, e.convs), family: 'diagonal' };
}

function randomCases(count: number): Case[] {
  const cases: Case[] = [];
  for (let seed = 1; cases.length < 2 * count; seed++) {
    const random = seeded(seed * 13 + 1);
    let e = randomExpression(seed, { maxOperands: 5, maxPlainSize: 3, maxFeatureSize: 7, maxPlain: 5, singleOperandConv: 0.1 });
    if (random() < 0.35) e = withDiagonal(e, random);
    const label = `#${seed} ${e.text} ${JSON.stringify(e.shapes)} ${JSON.stringify(e.conv)}`;
    const objective = random() < 0.5 ? 'training' : 'flops';
    cases.push({ name: `${label} (planned)`, plan: planExpression(e.text, e.shapes, { conv: e.conv, objective }) });
    const tree = randomTree(e.shapes.length, random);
    cases.push({ name: `${label} (random tree)`, plan: planFromTree(e.text, e.shapes, tree, { conv: e.conv }) });
  }
  return cases;
}

/** Tensorial layers (TT, TR, CP cores, extra filters along h and w) with random conv options. */
function tnnCases(count: number): Case[] {
  return Array.from({ length: count }, (_, i) => {
    const e = tnnExpression(3 + (i % 5), i + 1, { randomConvOptions: true, batch: 2, spatial: 6 });
    return { name: `${e.family} #${e.seed} ${e.text} ${JSON.stringify(e.shapes)} ${JSON.stringify(e.conv)}`, plan: planExpression(e.text, e.shapes, { conv: e.conv, objective: 'training' }) };
  });
}

/** Every layer of samples/ at small sizes, planned for training and for FLOPs. */
async function sampleCases(): Promise<Case[]> {
  return (await sampleLayers({ plain: 3, feature: 6 })).flatMap((layer) =>
    (['training', 'flops'] as const).map((objective) => ({
      name: `sample ${layer.name} ${JSON.stringify(layer.shapes)} (${objective})`,
      plan: planExpression(layer.expr, layer.shapes, { conv: layer.conv, objective }),
    })),
  );
}

/** A hand-made set where the padding fills as much as each mode allows, in 1D, 2D and 3D. */
function edgeCases(): Case[] {
  const make = (text: string, shapes: number[][], conv: ConvOptionsMap) => ({ name: `${text} ${JSON.stringify(conv)}`, plan: planExpression(text, shapes, { conv }) });
  return [
    make('bsh,tsh->bth|h', [[2, 3, 4], [2, 3, 3]], { h: { padding: { kind: 'explicit', lo: 3, hi: 3 }, mode: 'reflect' } }),
    make('bsh,tsh->bth|h', [[2, 3, 4], [2, 3, 3]], { h: { padding: { kind: 'explicit', lo: 4, hi: 0 }, mode: 'circular' } }),
    make('bsh,tsh->bth|h', [[2, 3, 2], [2, 3, 2]], { h: { padding: { kind: 'explicit', lo: 5, hi: 2 }, mode: 'replicate' } }),
    make('bsdhw,tsdhw->btdhw|dhw', [[1, 2, 5, 4, 6], [3, 2, 3, 2, 3]], { d: { stride: 2, padding: { kind: 'explicit', lo: 1, hi: 1 } }, w: { dilation: 2, mode: 'circular' } }),
    make('gtshw,bgshw->bgthw|hw', [[2, 3, 2, 3, 3], [2, 2, 2, 6, 5]], { h: { mode: 'reflect' }, w: { stride: 2, padding: { kind: 'valid' } } }),
    make('bh,h,h,h->bh|h', [[2, 9], [3], [2], [3]], { h: { padding: { kind: 'full' }, mode: 'zeros', dilation: 2 } }),
    make('ii->i', [[3, 3]], {}),
    make('iij,jk->ik', [[3, 3, 2], [2, 4]], {}),
    make('bsh,sh->|h', [[2, 3, 6], [3, 3]], { h: { stride: 3, padding: { kind: 'explicit', lo: 0, hi: 2 }, mode: 'replicate' } }),
  ];
}

const samples = await sampleCases();

describeWithTorch('exported forward equals the CPU float64 executor', () => {
  const workspace = new Workspace();
  const cases = [...samples, ...edgeCases(), ...tnnCases(20), ...randomCases(200)];
  const results = new Map<string, Result>();
  const forms = new Map<StepForm, number>();

  beforeAll(() => {
    const manifest = cases.map((c, i) => {
      const random = seeded(1000 + i);
      const inputs = c.plan.shapes.map((shape) => randomTensor(shape, random));
      for (const form of stepForms(c.plan)) forms.set(form, (forms.get(form) ?? 0) + 1);
      return {
        name: c.name,
        file: workspace.write(`case${i}.py`, exportExpressionToTorch(c.plan)),
        inputs: inputs.map((t, k) => workspace.writeTensor(`case${i}_in${k}.npy`, t)),
        expected: workspace.writeTensor(`case${i}_out.npy`, executePlan(c.plan, inputs)),
      };
    });
    for (const result of runDriver<Result[]>('check_forward.py', [workspace.write('manifest.json', JSON.stringify(manifest))])) results.set(result.name, result);
  }, 600_000);
  afterAll(() => workspace.remove());

  it('the files import torch and nothing else', () => {
    for (const c of cases.slice(0, 40)) {
      const imports = exportExpressionToTorch(c.plan).split('\n').filter((line) => /^\s*(import|from)\s/.test(line));
      expect(imports).toEqual(['import torch', 'import torch.nn.functional as F']);
    }
  });

  it('has at least 200 random expressions and every step form among the cases', () => {
    expect(cases.filter((c) => c.name.startsWith('#')).length).toBeGreaterThanOrEqual(200);
    for (const form of ['einsum', 'unfold-einsum', 'conv1d', 'conv2d', 'conv3d', 'conv-1x1'] as const) expect(forms.get(form) ?? 0, form).toBeGreaterThan(0);
  });

  for (const c of cases) {
    it(c.name, () => {
      const result = results.get(c.name);
      expect(result, 'no result from python').toBeDefined();
      expect(result!.exception).toBeUndefined();
      expect(result!.error!).toBeLessThanOrEqual(TOLERANCE * result!.scale!);
    });
  }
});

describe('export errors', () => {
  it('refuses a step with more than 52 distinct indices, naming the step', () => {
    const names = Array.from({ length: 53 }, (_, i) => `(i${i})`);
    const text = `${names.slice(0, 27).join('')},${names.slice(27).join('')}->${names.join('')}`;
    const plan = planExpression(text, [Array(27).fill(1), Array(26).fill(1)]);
    expect(() => exportExpressionToTorch(plan)).toThrow(ExportError);
    expect(() => exportExpressionToTorch(plan)).toThrow(/53 distinct einsum letters.*at most 52/);
  });

  it('takes 52 indices', () => {
    const names = Array.from({ length: 52 }, (_, i) => `(i${i})`);
    const plan = planExpression(`${names.slice(0, 26).join('')},${names.slice(26).join('')}->${names.join('')}`, [Array(26).fill(1), Array(26).fill(1)]);
    expect(exportExpressionToTorch(plan)).toContain('torch.einsum(');
  });
});
