"""Runs exported files against expected outputs; prints one JSON list, one entry per case.

argv[1]: a JSON manifest, a list of cases {name, file, inputs: [.npy], expected: .npy} for
`forward(*operands)` files, or with `module` (a class name), `arguments` (.npy per forward
argument) and `state` ({attribute path: .npy}) for module files.
"""
import importlib.util
import json
import sys
import traceback

import numpy as np
import torch

torch.set_num_threads(1)


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(case, index):
    code = load(case['file'], 'exported_%d' % index)
    if 'module' in case:
        module = getattr(code, case['module'])().double()
        state = {key: torch.from_numpy(np.load(path)) for key, path in case['state'].items()}
        module.load_state_dict(state, strict=True)
        inputs = [torch.from_numpy(np.load(path)) for path in case['arguments']]
        y = module(*inputs)
    else:
        inputs = [torch.from_numpy(np.load(path)) for path in case['inputs']]
        y = code.forward(*inputs)
        if tuple(code.OUTPUT_SHAPE) != tuple(y.shape):
            raise AssertionError('OUTPUT_SHAPE %r but the output has shape %r' % (code.OUTPUT_SHAPE, tuple(y.shape)))
    expected = np.load(case['expected'])
    if y.dtype != torch.float64:
        raise AssertionError('output dtype %s' % y.dtype)
    if tuple(y.shape) != expected.shape:
        raise AssertionError('shape %r, expected %r' % (tuple(y.shape), expected.shape))
    y = y.detach().numpy()
    return {'error': float(np.max(np.abs(y - expected), initial=0.0)), 'scale': float(np.max(np.abs(expected), initial=0.0))}


results = []
for index, case in enumerate(json.load(open(sys.argv[1]))):
    try:
        results.append(dict(name=case['name'], **run(case, index)))
    except Exception:
        results.append({'name': case['name'], 'exception': traceback.format_exc()})
print(json.dumps(results))
