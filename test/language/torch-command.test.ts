/**
 * `cein.torch`: the layer or network a target names, as a PyTorch module. The module is run in
 * python: its classes, their parameters (the declared shapes), and what they compute against a
 * reference written here from the layer's definition (the CP kernel rebuilt, then F.conv2d).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, expect, test } from 'vitest';
import { CancellationToken } from 'vscode-languageserver';
import { torchFileName } from '../../server/src/lsp/torch-command.js';
import { describeWithTorch, PYTHON, Workspace } from '../export/python.js';
import { parseDocument, services, SMALL_CP } from './cein-test-kit.js';

const execute = (target: unknown) => services.shared.lsp.ExecuteCommandHandler!.executeCommand('cein.torch', [target], CancellationToken.None);

interface Answer {
  readonly target: string;
  readonly fileName: string;
  readonly text: string;
}

/** X[2, 3] -> a: Y1 = X A -> b: Y2 = Y1 B. */
const NETWORK = 'input X[2, 3]\nweight A[3, 4]\nweight B[4, 5]\nnetwork n(X) {\n  layer a: Y1 = conv_einsum("ij,jk->ik", X, A)\n  layer b: Y2 = conv_einsum("ik,kl->il", Y1, B)\n}\n';

/**
 * Imports the file, makes one instance of every nn.Module class it defines, and answers their
 * parameters' shapes and forward arguments, and `result` as the check (python, with the
 * instances in `modules`, double precision) sets it.
 */
const INSPECT = `
import importlib.util, inspect, json, sys
import torch
import torch.nn.functional as F
spec = importlib.util.spec_from_file_location('exported', sys.argv[1])
exported = importlib.util.module_from_spec(spec)
spec.loader.exec_module(exported)
torch.manual_seed(0)
modules = {name: c().double() for name, c in vars(exported).items() if isinstance(c, type) and issubclass(c, torch.nn.Module) and c.__module__ == 'exported'}
classes = {name: {'parameters': {p: list(t.shape) for p, t in m.named_parameters()}, 'arguments': list(inspect.signature(m.forward).parameters)} for name, m in modules.items()}
scope = {'modules': modules, 'torch': torch, 'F': F, 'result': None}
exec(sys.argv[2], scope)
print(json.dumps({'classes': classes, 'result': scope['result']}))
`;

interface Inspection {
  readonly classes: Record<string, { readonly parameters: Record<string, number[]>; readonly arguments: string[] }>;
  readonly result: unknown;
}

const workspace = new Workspace();
afterAll(() => workspace.remove());

function inspect(answer: Answer, check = ''): Inspection {
  const file = workspace.write(answer.fileName, answer.text);
  const run = spawnSync(PYTHON, ['-c', INSPECT, file, check], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (run.status !== 0) throw new Error(`python failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as Inspection;
}

describeWithTorch('cein.torch', () => {
  test('a layer: its module, a parameter of the declared shape per weight, computing the CP convolution', async () => {
    const document = await parseDocument(SMALL_CP);
    const answer = (await execute({ uri: document.uri.toString(), layer: 'cp' })) as Answer;
    expect(answer.target).toBe('layer cp');
    expect(answer.fileName).toMatch(/_cp\.py$/);
    // The CP kernel K[t,s,h,w] = sum_r Ut[r,t] Us[r,s] Kh[r,h] Kw[r,w]; the 5x5 map keeps its
    // size, so the 3x3 window is zero-padded by 1 on each side: F.conv2d with padding 1.
    const inspection = inspect(
      answer,
      `m = modules['cp']
X = torch.randn(2, 4, 5, 5, dtype=torch.float64)
K = torch.einsum('rt,rs,rh,rw->tshw', m.Ut, m.Us, m.Kh, m.Kw)
reference = F.conv2d(X, K, padding=1)
y = m(X)
result = [list(y.shape), ((y - reference).abs().max() / reference.abs().max()).item()]`,
    );
    expect(inspection.classes).toEqual({ cp: { parameters: { Ut: [2, 4], Us: [2, 4], Kh: [2, 3], Kw: [2, 3] }, arguments: ['X'] } });
    const [shape, error] = inspection.result as [number[], number];
    expect(shape).toEqual([2, 4, 5, 5]);
    expect(error).toBeLessThan(1e-12);
  });

  test('a network: its module runs its layers in order; a layer of it: that layer alone', async () => {
    const document = await parseDocument(NETWORK);
    const uri = document.uri.toString();
    const network = (await execute({ uri, network: 'n' })) as Answer;
    expect(network.target).toBe('network n');
    expect(network.fileName).toMatch(/_n\.py$/);
    const product = inspect(
      network,
      `m = modules['n']
weights = {tuple(p.shape): p for p in m.parameters()}
X = torch.randn(2, 3, dtype=torch.float64)
result = (m(X) - X @ weights[(3, 4)] @ weights[(4, 5)]).abs().max().item()`,
    );
    expect(Object.keys(product.classes)).toContain('n');
    expect(Object.values(product.classes.n!.parameters).sort()).toEqual([[3, 4], [4, 5]]);
    expect(product.classes.n!.arguments).toEqual(['X']);
    expect(product.result).toBeLessThan(1e-12);

    const layer = (await execute({ uri, network: 'n', layer: 'b' })) as Answer;
    expect(layer.target).toBe('layer b of network n');
    expect(layer.fileName).toMatch(/_n_b\.py$/);
    expect(inspect(layer).classes).toEqual({ b: { parameters: { B: [4, 5] }, arguments: ['Y1'] } });
  });

  test('by position: the layer the position is in', async () => {
    const document = await parseDocument(NETWORK);
    // Line 5 is layer b.
    const answer = (await execute({ uri: document.uri.toString(), position: { line: 5, character: 10 } })) as Answer;
    expect(answer.target).toBe('layer b of network n');
    expect(Object.keys(inspect(answer).classes)).toEqual(['b']);
  });
});

test('a target that does not exist, or a layer with problems, gets an error answer', async () => {
  const document = await parseDocument('input X[2, 3]\nlayer l: Y = conv_einsum("ij->ix", X)\n');
  const uri = document.uri.toString();
  expect(await execute({ uri, layer: 'nope' })).toEqual({ error: `no layer nope in ${uri}` });
  expect(await execute({ uri, network: 'nope' })).toEqual({ error: `no network nope in ${uri}` });
  expect(await execute({ uri, position: { line: 0, character: 2 } })).toEqual({ error: 'no layer or network at line 1' });
  expect(await execute(undefined)).toEqual({ error: 'missing target: { uri, layer?, network? }' });
  const broken = (await execute({ uri, layer: 'l' })) as { error: string };
  expect(broken.error).toMatch(/^2:1: layer l has errors.*x.*; fix them before exporting$/);
});

test('the file name: the .cein file stem as a Python name, then the network and the layer', () => {
  expect(torchFileName('/home/me/nets/cp.cein', { layer: 'cp' })).toBe('cp_cp.py');
  expect(torchFileName('/home/me/my-net.v2.cein', { network: 'block', layer: 'a' })).toBe('my_net_v2_block_a.py');
  expect(torchFileName('/home/me/3d.cein', { network: 'n' })).toBe('_3d_n.py');
  expect(torchFileName('/home/me/.cein', { layer: 'l' })).toBe('cein_l.py');
});
