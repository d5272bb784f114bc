"""Gradients, training and initialisation of exported code; prints one JSON object.

argv[1]: a JSON manifest with
- gradcheck: [{name, file, shapes}]: torch.autograd.gradcheck of forward(*operands) in float64;
- train: {file, network, input_shape, steps, lr}: SGD on random data, the loss after each step;
- init: [{name, file, module, kernel, factors, draws}]: the rebuilt kernel (an einsum over the
  factors, written by the test) after `draws` re-initialisations: mean of its squared elements.
"""
import importlib.util
import json
import math
import sys
import traceback

import torch

torch.set_num_threads(1)


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gradcheck(case, index):
    code = load(case['file'], 'gradcheck_%d' % index)
    generator = torch.Generator().manual_seed(index)
    inputs = tuple(torch.randn(*shape, dtype=torch.float64, generator=generator, requires_grad=True) for shape in case['shapes'])
    return {'passed': bool(torch.autograd.gradcheck(code.forward, inputs, eps=1e-6, atol=1e-7, rtol=1e-5))}


def train(case):
    code = load(case['file'], 'train')
    torch.manual_seed(0)
    network = getattr(code, case['network'])().double()
    x = torch.randn(*case['input_shape'], dtype=torch.float64)
    with torch.no_grad():
        target = torch.randn_like(network(x))
    optimizer = torch.optim.SGD(network.parameters(), lr=case['lr'])
    losses = []
    for _ in range(case['steps'] + 1):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(network(x), target)
        losses.append(loss.item() if math.isfinite(loss.item()) else None)  # JSON has no NaN
        loss.backward()
        optimizer.step()
    return {'losses': losses}


def init(case, index):
    code = load(case['file'], 'init_%d' % index)
    torch.manual_seed(index)
    module = getattr(code, case['module'])().double()
    squares = []
    for _ in range(case['draws']):
        module.reset_parameters()
        factors = [getattr(module, name) for name in case['factors']]
        kernel = torch.einsum(case['kernel'], *factors)
        squares.append(kernel.detach().pow(2).mean().item())
    return {'meanSquare': sum(squares) / len(squares), 'std': float(getattr(module, case['factors'][0]).detach().std())}


def attempt(work):
    try:
        return work()
    except Exception:
        return {'exception': traceback.format_exc()}


manifest = json.load(open(sys.argv[1]))
print(json.dumps({
    'gradcheck': {case['name']: attempt(lambda: gradcheck(case, i)) for i, case in enumerate(manifest.get('gradcheck', []))},
    'train': attempt(lambda: train(manifest['train'])) if 'train' in manifest else None,
    'init': {case['name']: attempt(lambda: init(case, i)) for i, case in enumerate(manifest.get('init', []))},
}))
