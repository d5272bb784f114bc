"""One SGD step of an exported network under DistributedDataParallel on two processes (gloo,
127.0.0.1), each on half of a batch, against one process's step on the whole batch; prints
JSON {maxRelative, parameters}.

argv: FILE.py NETWORK BATCHxSHAPE (the input's shape, e.g. 4x3x6x6) LR
"""
import importlib.util
import json
import os
import socket
import sys
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel


def load(path):
    spec = importlib.util.spec_from_file_location('exported', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def setup(path, network, shape):
    """The same initial network, input batch and target in every process."""
    torch.manual_seed(0)
    model = getattr(load(path), network)().double()
    x = torch.randn(*shape, dtype=torch.float64)
    with torch.no_grad():
        target = torch.randn_like(model(x))
    return model, x, target


def step(model, x, target, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    optimizer.zero_grad()
    torch.nn.functional.mse_loss(model(x), target).backward()
    optimizer.step()


def worker(rank, path, network, shape, lr, port, out):
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method='tcp://127.0.0.1:%d' % port, rank=rank, world_size=2)
    model, x, target = setup(path, network, shape)
    half = shape[0] // 2
    rows = slice(rank * half, (rank + 1) * half)
    # DDP averages the two halves' gradients: the mean loss's gradient over the whole batch.
    step(DistributedDataParallel(model), x[rows], target[rows], lr)
    if rank == 0:
        torch.save({name: p.detach().clone() for name, p in model.named_parameters()}, out)
    dist.barrier()
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


if __name__ == '__main__':
    path, network, shape_text, lr_text = sys.argv[1:5]
    shape = [int(n) for n in shape_text.split('x')]
    lr = float(lr_text)
    out = os.path.join(tempfile.mkdtemp(), 'ddp.pt')
    mp.spawn(worker, args=(path, network, shape, lr, free_port(), out), nprocs=2, join=True)
    distributed = torch.load(out)

    torch.set_num_threads(1)
    model, x, target = setup(path, network, shape)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    step(model, x, target, lr)
    worst = 0.0
    moved = 0.0
    for name, p in model.named_parameters():
        scale = p.detach().abs().max().item()
        worst = max(worst, (distributed[name] - p.detach()).abs().max().item() / scale)
        moved = max(moved, (p.detach() - before[name]).abs().max().item() / scale)
    print(json.dumps({'maxRelative': worst, 'moved': moved, 'parameters': sorted(distributed)}))
