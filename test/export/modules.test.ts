/**
 * Exported modules: a .cein network's modules compute what the CPU float64 executor computes
 * layer by layer, gradcheck passes for every sample layer family, a few SGD steps lower the
 * loss, the initialisation gives the rebuilt kernel the documented variance, and one
 * DistributedDataParallel step on two processes equals one process's step on the whole batch.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportExpressionToTorch, exportModulesToTorch, type TorchProgram } from '../../server/src/engine/export/torch.js';
import { planExpression } from '../../server/src/engine/planner.js';
import { analyze } from '../../server/src/engine/shapes.js';
import { parseSpec } from '../../server/src/engine/notation.js';
import { parseConvFlags } from '../../server/src/cli/arguments.js';
import { readSamples } from '../../server/src/cli/commands/samples.js';
import { torchProgramOf } from '../../server/src/language/export/torch-program.js';
import { executePlan } from '../../server/src/runtime/cpu/execute.js';
import type { Tensor } from '../../server/src/runtime/cpu/tensor.js';
import { parseDocument } from '../language/cein-test-kit.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { NETWORK } from './network-sample.js';
import { describeWithTorch, runDriver, Workspace } from './python.js';


/** Real sizes for the initialisation check: 64 -> 64 channels, 3x3, as in the samples. */
const INIT_LAYERS = `input X[8, 64, 8, 8]
weight Ut[16, 64]
weight Us[16, 64]
weight Kh[16, 3]
weight Kw[16, 3]
layer cp: Y = conv_einsum("bshw,rt,rs,rh,rw->bthw|hw", X, Ut, Us, Kh, Kw)
weight A[16, 64]
weight Bs[16, 64]
weight C[16, 16, 3, 3]
layer tucker: Z = conv_einsum("bshw,(r1)t,(r2)s,(r1)(r2)hw->bthw|hw", X, A, Bs, C)
`;

/** Sizes small enough for gradcheck: plain indices at most 2, conv features at most 5, filters as they are. */
function tinyShapes(expr: string, shapes: readonly (readonly number[])[], conv: ReturnType<typeof parseConvFlags>): number[][] {
  const spec = parseSpec(expr).spec!;
  const terms = spec.inputs.map((term) => term.indices.map((index) => index.name));
  const convs = new Set(spec.convs.map((c) => c.name));
  const largest = (name: string) => Math.max(...terms.flatMap((term, k) => term.flatMap((n, i) => (n === name ? [shapes[k]![i]!] : []))));
  const tiny = terms.map((term, k) => term.map((name, i) => {
    const size = shapes[k]![i]!;
    if (!convs.has(name)) return Math.min(size, 2);
    return size === largest(name) ? Math.min(size, 5) : size;
  }));
  return analyze(expr, tiny, conv).analysis ? tiny : shapes.map((s) => [...s]);
}

async function program(text: string): Promise<TorchProgram> {
  const outcome = torchProgramOf(await parseDocument(text));
  if ('problem' in outcome) throw new Error(outcome.problem);
  return outcome.program;
}

interface TrainingResults {
  gradcheck: Record<string, { passed?: boolean; exception?: string }>;
  train: { losses?: number[]; exception?: string };
  init: Record<string, { meanSquare?: number; std?: number; exception?: string }>;
}

describeWithTorch('exported modules', () => {
  const workspace = new Workspace();
  const samples = readSamples('samples/expressions.json');
  let network: TorchProgram;
  let networkFile: string;
  let training: TrainingResults;
  let forward: { name: string; error?: number; scale?: number; exception?: string }[];

  beforeAll(async () => {
    network = await program(NETWORK);
    networkFile = workspace.write('network.py', exportModulesToTorch(network));
    const init = await program(INIT_LAYERS);
    const initFile = workspace.write('init.py', exportModulesToTorch(init));

    // The network's output through the CPU executor, layer by layer, with random weights.
    const random = seeded(7);
    const x = randomTensor([4, 3, 6, 6], random);
    const state: Record<string, string> = {};
    const values = new Map<string, Tensor>([['X', x]]);
    for (const layer of network.layers) {
      const inputs = layer.operands.map((operand) => {
        if (operand.role === 'input' || operand.role === 'layer-output') return values.get(operand.name)!;
        const t = randomTensor(operand.shape, random);
        state[`${layer.name}.${operand.name}`] = workspace.writeTensor(`${layer.name}_${operand.name}.npy`, t);
        return t;
      });
      values.set(layer.output, executePlan(layer.plan, inputs));
    }
    forward = runDriver('check_forward.py', [workspace.write('forward.json', JSON.stringify([
      { name: 'net', file: networkFile, module: 'net', state, arguments: [workspace.writeTensor('x.npy', x)], expected: workspace.writeTensor('y.npy', values.get('Y3')!) },
    ]))]);

    const gradcheck = samples.map((layer, i) => {
      const conv = parseConvFlags(layer.options ?? {});
      const shapes = tinyShapes(layer.expr, layer.runShapes, conv);
      const plan = planExpression(layer.expr, shapes, { conv, objective: 'training' });
      return { name: layer.name, file: workspace.write(`sample${i}.py`, exportExpressionToTorch(plan)), shapes };
    });
    training = runDriver('check_training.py', [workspace.write('training.json', JSON.stringify({
      gradcheck,
      train: { file: networkFile, network: 'net', input_shape: [4, 3, 6, 6], steps: 5, lr: 0.05 },
      init: [
        { name: 'cp', file: initFile, module: 'cp', kernel: 'rt,rs,rh,rw->tshw', factors: ['Ut', 'Us', 'Kh', 'Kw'], draws: 40 },
        { name: 'tucker', file: initFile, module: 'tucker', kernel: 'at,bs,abhw->tshw', factors: ['A', 'Bs', 'C'], draws: 40 },
      ],
    }))]);
  }, 600_000);
  afterAll(() => workspace.remove());

  it('the network module equals the CPU executor layer by layer (1e-10 x max|y|)', () => {
    expect(forward[0]!.exception).toBeUndefined();
    expect(forward[0]!.error!).toBeLessThanOrEqual(1e-10 * forward[0]!.scale!);
  });

  it('gradcheck passes (float64) for every sample layer family', () => {
    expect(Object.keys(training.gradcheck).length).toBe(samples.length);
    for (const [name, result] of Object.entries(training.gradcheck)) {
      expect(result.exception, name).toBeUndefined();
      expect(result.passed, name).toBe(true);
    }
  });

  it('a few SGD steps lower the loss', () => {
    expect(training.train.exception).toBeUndefined();
    const losses = training.train.losses!;
    expect(losses.length).toBe(6);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.99);
  });

  it("initialisation: the rebuilt kernel's elements have variance 2/fan_in, fan_in = 64 channels x 3 x 3", () => {
    const target = 2 / (64 * 3 * 3);
    for (const name of ['cp', 'tucker']) {
      const result = training.init[name]!;
      expect(result.exception, name).toBeUndefined();
      expect(result.meanSquare! / target, name).toBeGreaterThan(0.85);
      expect(result.meanSquare! / target, name).toBeLessThan(1.15);
    }
  });

  it('DistributedDataParallel on two processes takes the same step as one process on the whole batch', () => {
    const result = runDriver<{ maxRelative: number; moved: number; parameters: string[] }>('ddp_step.py', [networkFile, 'net', '4x3x6x6', '0.05'], 300_000);
    expect(result.parameters).toEqual(['cp.Kh', 'cp.Kw', 'cp.Us', 'cp.Ut', 'tt.G1', 'tt.G2', 'tt.G3', 'tt.G4']);
    expect(result.moved).toBeGreaterThan(1e-6);
    expect(result.maxRelative).toBeLessThanOrEqual(1e-10);
  });
});
