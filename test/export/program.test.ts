/** torchProgramOf: what a typed .cein document hands to the PyTorch generator, and its refusals. */
import { describe, expect, it } from 'vitest';
import { torchProgramOf, type TorchExportOptions, type TorchExportTarget } from '../../server/src/language/export/torch-program.js';
import { parseDocument } from '../language/cein-test-kit.js';
import { NETWORK } from './network-sample.js';

const FILE = `${NETWORK}weight U[4, 3]
layer head: Z = conv_einsum("bshw,ts->bthw", X, U) { objective memory }
`;

async function outcome(text: string, target?: TorchExportTarget, options?: TorchExportOptions) {
  return torchProgramOf(await parseDocument(text), target, options);
}

describe('torchProgramOf', () => {
  it('every top-level layer, then each network with its layers; roles, shapes and the values between layers', async () => {
    const result = await outcome(FILE);
    if ('problem' in result) throw new Error(result.problem);
    const { layers, networks } = result.program;
    expect(layers.map((l) => [l.name, l.output])).toEqual([['head', 'Z'], ['cp', 'Y1'], ['tt', 'Y2'], ['pool', 'Y3']]);
    expect(layers[2]!.operands.map((o) => [o.name, o.role, o.shape])).toEqual([
      ['Y1', 'layer-output', [4, 4, 6, 6]],
      ['G1', 'weight', [2, 5]],
      ['G2', 'weight', [2, 2, 3]],
      ['G3', 'weight', [2, 2, 3]],
      ['G4', 'weight', [2, 4]],
    ]);
    expect(layers[3]!.operands.map((o) => o.role)).toEqual(['layer-output', 'const']);
    expect(networks).toEqual([{ name: 'net', layers: [1, 2, 3], inputs: ['X'], output: 'Y3' }]);
  });

  it("plans for training by default, for the objective asked otherwise; a layer's own objective wins", async () => {
    const training = await outcome(FILE);
    const flops = await outcome(FILE, {}, { objective: 'flops' });
    if ('problem' in training || 'problem' in flops) throw new Error('no program');
    expect(training.program.layers.map((l) => l.plan.objective)).toEqual(['memory', 'training', 'training', 'training']);
    expect(flops.program.layers.map((l) => l.plan.objective)).toEqual(['memory', 'flops', 'flops', 'flops']);
  });

  it('one layer (also inside a network), or one network', async () => {
    const layer = await outcome(FILE, { layer: 'tt' });
    const inNetwork = await outcome(FILE, { layer: 'pool', network: 'net' });
    const network = await outcome(FILE, { network: 'net' });
    if ('problem' in layer || 'problem' in inNetwork || 'problem' in network) throw new Error('no program');
    expect(layer.program.layers.map((l) => l.name)).toEqual(['tt']);
    expect(layer.program.networks).toEqual([]);
    expect(inNetwork.program.layers.map((l) => l.name)).toEqual(['pool']);
    expect(network.program.layers.map((l) => l.name)).toEqual(['cp', 'tt', 'pool']);
  });

  it('says what is wrong, and where', async () => {
    expect(await outcome(FILE, { layer: 'nope' })).toEqual({ problem: 'no layer nope' });
    expect(await outcome(FILE, { layer: 'head', network: 'net' })).toEqual({ problem: 'no layer head in network net' });
    expect(await outcome(FILE, { network: 'nope' })).toEqual({ problem: 'no network nope' });
    expect(await outcome('input X[2, 3]\nnetwork empty(X) {\n}\n')).toEqual({ problem: '2:1: network empty has no layers to export' });
    const capped = await outcome('input X[2, 3]\nweight A[3, 4]\nweight B[4, 5]\nlayer ab: Y = conv_einsum("ij,jk,kl->il", X, A, B) { cap 1 }\n');
    expect('problem' in capped && capped.problem).toMatch(/^4:1: layer ab cannot be planned: /);
    const broken = await outcome('input X[2, 3]\nweight A[4, 5]\nlayer bad: Y = conv_einsum("ij,jk->ik", X, A)\n');
    expect('problem' in broken && broken.problem).toMatch(/^3:1: layer bad has errors \(3:\d+: .*j.*\); fix them before exporting$/);
  });
});
