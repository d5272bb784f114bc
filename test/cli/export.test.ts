/**
 * `cein export` as a user runs it (the built bundle: `npm run build` first). What the written
 * files compute is checked in test/export; here: which modules a file gets, that a convolution
 * exported from the command line equals PyTorch's own F.conv2d, and that bad input exits 2 with
 * the problem and its location and writes nothing (an existing file stays as it was).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NETWORK } from '../export/network-sample.js';
import { describeWithTorch, PYTHON } from '../export/python.js';

let dir: string;
let network: string;

beforeAll(() => {
  expect(existsSync('out/cli.cjs'), 'out/cli.cjs is missing: run npm run build').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'cein-export-'));
  network = join(dir, 'net.cein');
  writeFileSync(network, `${NETWORK}weight U[4, 3]\nlayer head: Z = conv_einsum("bshw,ts->bthw", X, U)\n`);
});

function cein(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/cein.cjs', ...args], { encoding: 'utf8', timeout: 45_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const classes = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^class (\w+)\(nn\.Module\):/gm)].map((m) => m[1]);

describe('cein export FILE.cein', () => {
  it('exports every layer and network when neither --layer nor --network is given', () => {
    const out = join(dir, 'all.py');
    const { code, stdout } = cein('export', network, '--out', out);
    expect(code).toBe(0);
    expect(stdout).toBe(`wrote ${out}\n`);
    expect(classes(out)).toEqual(['head', 'cp', 'tt', 'pool', 'net']);
    expect(readFileSync(out, 'utf8')).toContain("OBJECTIVE = 'training'");
  });

  it('--layer exports one layer, --network a network with its layers, --objective chooses the plans', () => {
    const layer = join(dir, 'layer.py');
    expect(cein('export', network, '--layer', 'tt', '--out', layer, '--objective', 'flops').code).toBe(0);
    expect(classes(layer)).toEqual(['tt']);
    expect(readFileSync(layer, 'utf8')).toContain("OBJECTIVE = 'flops'");
    const json = cein('export', network, '--layer', 'cp', '--out', layer, '--json');
    expect(json.code).toBe(0);
    // cp at X[4, 3, 6, 6]: the steps name their forms; the first that meets X is a convolution or a contraction.
    const summary = JSON.parse(json.stdout) as { out: string; layers: { name: string; objective: string; steps: { spec: string; form: string }[] }[]; networks: string[] };
    expect(summary.out).toBe(layer);
    expect(summary.layers.map((l) => [l.name, l.objective, l.steps.length])).toEqual([['cp', 'training', 4]]);
    expect(summary.networks).toEqual([]);
    expect(summary.layers[0]!.steps.every((step) => ['einsum', 'unfold-einsum', 'conv1d', 'conv2d', 'conv-1x1'].includes(step.form))).toBe(true);
    const net = join(dir, 'network.py');
    expect(cein('export', network, '--network', 'net', '--out', net).code).toBe(0);
    expect(classes(net)).toEqual(['cp', 'tt', 'pool', 'net']);
  });
});

describe('cein export: bad input exits 2, says where, and writes nothing', () => {
  const bad: [string, string[], RegExp][] = [
    ['an unknown index in the output', ['--expr', 'bshw,tshw->bthx|hw', '--shapes', '2x3x8x8,4x3x3x3'], /x/],
    ['a shape that does not fit', ['--expr', 'bshw,tshw->bthw|hw', '--shapes', '2x3x8x8,4x5x3x3'], /s/],
    ['--expr without --shapes', ['--expr', 'bshw,tshw->bthw|hw'], /--expr needs --shapes/],
    ['a step with 53 indices', ['--expr', `${Array.from({ length: 27 }, (_, i) => `(i${i})`).join('')},${Array.from({ length: 26 }, (_, i) => `(j${i})`).join('')}->`, '--shapes', `${Array(27).fill(1).join('x')},${Array(26).fill(1).join('x')}`], /53 distinct einsum letters/],
  ];
  for (const [what, args, message] of bad) {
    it(what, () => {
      const out = join(dir, 'bad.py');
      writeFileSync(out, 'keep me\n');
      const { code, stderr } = cein('export', ...args, '--out', out);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(readFileSync(out, 'utf8')).toBe('keep me\n');
    });
  }

  it('a layer with an error: the file, line and column of the layer', () => {
    const file = join(dir, 'broken.cein');
    writeFileSync(file, 'input X[2, 3, 8, 8]\nweight W[4, 5, 3, 3]\nlayer conv: Y = conv_einsum("bshw,tshw->bthw|hw", X, W)\n');
    const out = join(dir, 'broken.py');
    const { code, stderr } = cein('export', file, '--out', out);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:3:1: layer conv has errors`);
    expect(existsSync(out)).toBe(false);
  });

  it('an unknown layer or network', () => {
    const out = join(dir, 'none.py');
    expect(cein('export', network, '--layer', 'nope', '--out', out)).toMatchObject({ code: 2, stderr: expect.stringContaining('no layer nope') });
    expect(cein('export', network, '--network', 'nope', '--out', out)).toMatchObject({ code: 2, stderr: expect.stringContaining('no network nope') });
    expect(existsSync(out)).toBe(false);
  });

  it('a .cein file and --expr together, or expression flags with a file', () => {
    const out = join(dir, 'both.py');
    expect(cein('export', network, '--expr', 'ab->a', '--out', out).code).toBe(2);
    expect(cein('export', network, '--stride', 'h=2', '--out', out)).toMatchObject({ code: 2, stderr: expect.stringContaining('--stride goes with --expr') });
    expect(existsSync(out)).toBe(false);
  });

  it('an output folder that does not exist', () => {
    const { code, stderr } = cein('export', '--expr', 'ab,bc->ac', '--shapes', '2x3,3x4', '--out', join(dir, 'missing', 'x.py'));
    expect(code).toBe(2);
    expect(stderr).toContain('does not exist');
  });
});

describeWithTorch('cein export --expr', () => {
  it('writes forward(*operands) equal to F.conv2d with the same stride and padding', () => {
    const out = join(dir, 'conv.py');
    const { code } = cein('export', '--expr', 'bshw,tshw->bthw|hw', '--shapes', '2x3x9x9,4x3x3x3', '--stride', 'h=2,w=2', '--padding', 'h=1,w=1', '--out', out);
    expect(code).toBe(0);
    const script = [
      'import importlib.util, torch',
      `spec = importlib.util.spec_from_file_location('conv', ${JSON.stringify(out)}); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)`,
      'x = torch.randn(2, 3, 9, 9, dtype=torch.float64); w = torch.randn(4, 3, 3, 3, dtype=torch.float64)',
      'y = m.forward(x, w); z = torch.nn.functional.conv2d(x, w, stride=2, padding=1)',
      'import json; print(json.dumps([repr(tuple(y.shape)), repr(m.OUTPUT_SHAPE), m.MACS, repr(m.PATH), float((y - z).abs().max() / z.abs().max())]))',
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const [shape, outputShape, macs, path, error] = JSON.parse(run.stdout) as [string, string, number, string, number];
    // O = floor((9 + 2 - 3) / 2) + 1 = 5; MACs = 2*4*5*5 outputs x 3*3*3 = 5400.
    expect([shape, outputShape, macs, path]).toEqual(['(2, 4, 5, 5)', '(2, 4, 5, 5)', 5400, '[(0, 1)]']);
    expect(error).toBeLessThan(1e-12);
  });
});
