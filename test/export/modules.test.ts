/**
 * Exported modules: a .cein network's modules compute what the CPU float64 executor computes
 * layer by layer, gradcheck passes for every layer of samples/ (tiny sizes), a few SGD steps lower the
 * loss, the initialisation gives the rebuilt kernel the documented variance, and one
 * DistributedDataParallel step on two processes equals one process's step on the whole batch.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportExpressionToTorch, exportModulesToTorch, type TorchProgram } from '../../server/src/engine/export/torch.js';
import { planExpression } from '../../server/src/engine/planner.js';
import { torchProgramOf } from '../../server/src/language/export/torch-program.js';
import { executePlan } from '../../server/src/runtime/cpu/execute.js';
import type { Tensor } from '../../server/src/runtime/cpu/tensor.js';
import { parseDocument } from '../language/cein-test-kit.js';
import { randomTensor, seeded } from '../helpers/random.js';
import { NETWORK } from './network-sample.js';
import { describeWithTorch, PYTHON, runDriver, Workspace } from './python.js';
import { sampleLayers, type SampleLayer } from './sample-layers.js';


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
  let samples: SampleLayer[];
  let network: TorchProgram;
  let networkFile: string;
  let training: TrainingResults;
  let forward: { name: string; error?: number; scale?: number; exception?: string }[];

  beforeAll(async () => {
    samples = await sampleLayers({ plain: 2, feature: 5 });
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
      const plan = planExpression(layer.expr, layer.shapes, { conv: layer.conv, objective: 'training' });
      return { name: layer.name, file: workspace.write(`sample${i}.py`, exportExpressionToTorch(plan)), shapes: layer.shapes };
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

  it('the module file imports torch and nothing else', () => {
    const imports = exportModulesToTorch(network).split('\n').filter((line) => /^\s*(import|from)\s/.test(line));
    expect(imports).toEqual(['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F']);
  });

  it('gradcheck passes (float64) for every layer of samples/ at tiny sizes', () => {
    expect(samples.length).toBeGreaterThanOrEqual(15);
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

  it('a weight two layers of a network share is one parameter; `class` and `in` become identifiers', async () => {
    const shared = await program(`input X[2, 3, 5]
network class(X) {
  weight in[3, 3]
  layer a: Y1 = conv_einsum("bsh,ts->bth", X, in)
  layer b: Y2 = conv_einsum("bsh,ts->bth", Y1, in)
}
`);
    const file = workspace.write('shared.py', exportModulesToTorch(shared));
    const script = [
      'import importlib.util, json, torch',
      `spec = importlib.util.spec_from_file_location('shared', ${JSON.stringify(file)}); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)`,
      'net = m.class_().double(); x = torch.randn(2, 3, 5, dtype=torch.float64); w = net.a.in_',
      "expected = torch.einsum('ts,bsh->bth', w, torch.einsum('ts,bsh->bth', w, x))",
      'print(json.dumps([[n for n, _ in net.named_parameters()], net.a.in_ is net.b.in_, float((net(x) - expected).abs().max())]))',
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const [names, same, error] = JSON.parse(run.stdout) as [string[], boolean, number];
    expect(names).toEqual(['a.in_']);
    expect(same).toBe(true);
    expect(error).toBeLessThan(1e-12);
  });

  it('DistributedDataParallel on two processes takes the same step as one process on the whole batch', () => {
    const result = runDriver<{ maxRelative: number; moved: number; parameters: string[] }>('ddp_step.py', [networkFile, 'net', '4x3x6x6', '0.05'], 300_000);
    expect(result.parameters).toEqual(['cp.Kh', 'cp.Kw', 'cp.Us', 'cp.Ut', 'tt.G1', 'tt.G2', 'tt.G3', 'tt.G4']);
    expect(result.moved).toBeGreaterThan(1e-6);
    expect(result.maxRelative).toBeLessThanOrEqual(1e-10);
  });
});
