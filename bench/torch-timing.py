"""Times exported PyTorch forms of a layer: forward + backward on the CPU, in one process.

Driven by bench/torch.ts (`npm run bench:torch`), which plans the layers with the engine,
exports every plan with cein's PyTorch exporter and passes this script a JSON request (its
path is the one argument). The answer, JSON, goes to stdout.

Request:
  threads, profile_rounds
  configs: [{ profile, warmup, rounds,
              layers: [{ name, operands: [{ shape, requires_grad }],
                         orders: [{ name, file }],
                         steps: [{ order, index, file, operands: [{ shape, requires_grad }] }] }] }]
Each exported file defines forward(*operands). With `profile`, each order also gets an operator
profile (self CPU time per ATen operator, forward and backward).

Every order of a layer runs on the same operands, in interleaved rounds (order 1, 2, 3, 1, 2,
3, ...), so that a machine busy with something else slows every order alike. A round is one
forward, one backward of a fixed upstream gradient, and the gradients cleared.
"""
import importlib.util
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

SEED = 20261203


def load_forward(path):
    name = "cein_bench_" + "_".join(path.replace(".py", "").split("/")[-2:])
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.forward


def make_operands(descriptions, generator):
    """Random float32 operands; the factors scaled down by numel^(1/4), so that values stay moderate (no overflow, no denormals)."""
    operands = []
    for d in descriptions:
        t = torch.randn(*d["shape"], generator=generator, dtype=torch.float32)
        if d["requires_grad"]:
            t = (t / max(1.0, t.numel() ** 0.25)).requires_grad_(True)
        operands.append(t)
    return operands


def one_round(forward, operands, upstream):
    started = time.perf_counter()
    y = forward(*operands)
    y.backward(upstream)
    elapsed = time.perf_counter() - started
    for t in operands:
        t.grad = None
    return elapsed * 1000.0


def upstream_for(forward, operands, generator):
    with torch.no_grad():
        shape = forward(*operands).shape
    return torch.randn(*shape, generator=generator, dtype=torch.float32)


def summary(samples):
    ordered = sorted(samples)
    q = lambda p: ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]
    return {
        "medianMs": statistics.median(samples),
        "minMs": ordered[0],
        "maxMs": ordered[-1],
        "q1Ms": q(0.25),
        "q3Ms": q(0.75),
        "samples": len(samples),
    }


def time_interleaved(forwards, operands, upstream, warmup, rounds):
    samples = [[] for _ in forwards]
    for _ in range(warmup):
        for forward in forwards:
            one_round(forward, operands, upstream)
    for _ in range(rounds):
        for k, forward in enumerate(forwards):
            samples[k].append(one_round(forward, operands, upstream))
    return [summary(s) for s in samples]


def operator_profile(forward, operands, upstream, rounds, top=8):
    """Self CPU time per ATen operator over `rounds` forward + backward passes, largest first."""
    with torch.autograd.profiler.profile() as prof:
        for _ in range(rounds):
            one_round(forward, operands, upstream)
    rows = []
    for event in prof.key_averages():
        rows.append({"op": event.key, "calls": event.count // rounds, "selfMs": event.self_cpu_time_total / 1000.0 / rounds})
    rows.sort(key=lambda r: -r["selfMs"])
    total = sum(r["selfMs"] for r in rows)
    return {"totalMs": total, "top": rows[:top]}


def blas_probe():
    """The BLAS this torch build multiplies matrices with (torch.mm, bmm, einsum), against oneDNN's
    convolution: a 1x1 channel contraction at the benchmark's size as an einsum and as F.conv2d,
    and the throughput of each path (forward only)."""
    config = torch.__config__.show()
    info = next((part.split("=", 1)[1] for part in config.replace(",", " ").split() if part.startswith("BLAS_INFO=")), "unknown")
    x = torch.randn(32, 64, 32, 32)
    w = torch.randn(16, 64)
    a = torch.randn(4096, 64)
    b = torch.randn(64, 64)
    k = torch.randn(64, 64, 3, 3)
    rounds = [
        ("mm 4096x64 @ 64x64", lambda: a @ b, 4096 * 64 * 64),
        ("einsum bshw,rs->bhwr (32x64x32x32, 16x64)", lambda: torch.einsum("bshw,rs->bhwr", x, w), 32 * 64 * 1024 * 16),
        ("einsum bshw,rs->brhw (same, layout kept)", lambda: torch.einsum("bshw,rs->brhw", x, w), 32 * 64 * 1024 * 16),
        ("F.conv2d 1x1, 64 -> 16 channels (same MACs)", lambda: F.conv2d(x, w.view(16, 64, 1, 1)), 32 * 64 * 1024 * 16),
        ("F.conv2d 3x3, 64 -> 64 channels (the rebuilt kernel's)", lambda: F.conv2d(x, k, padding=1), 32 * 64 * 1024 * 64 * 9),
    ]
    probes = []
    with torch.no_grad():
        for name, run, macs in rounds:
            for _ in range(2):
                run()
            samples = []
            for _ in range(7):
                started = time.perf_counter()
                run()
                samples.append(time.perf_counter() - started)
            ms = statistics.median(samples) * 1000.0
            probes.append({"op": name, "medianMs": ms, "gflops": 2 * macs / ms / 1e6})
    return {"BLAS_INFO": info, "loaded": loaded_blas(), "probes": probes}


def conv_form_probe():
    """What the CP layer's optimal order costs when every step is a oneDNN convolution: the same
    plan as the exporter's (X.Us, then Kw, Kh, then Ut), written by hand with 1x1 F.conv2d for
    the channel contractions and depthwise F.conv2d for the filters, NCHW throughout (no
    permute copies); against the rebuilt kernel and one F.conv2d, also by hand. Forward +
    backward at the benchmark's CIFAR-10 size, interleaved rounds. The exporter writes these
    forms too (conv-1x1, conv2d): the probe is the hand-written reference its module is held to.
    """
    generator = torch.Generator().manual_seed(SEED)
    x = torch.randn(32, 64, 32, 32, generator=generator)
    ut, us, kh, kw = (torch.randn(*shape, generator=generator).div_(4).requires_grad_(True) for shape in [(16, 64), (16, 64), (16, 3), (16, 3)])

    def all_conv(x, ut, us, kh, kw):
        y = F.conv2d(x, us.view(16, 64, 1, 1))
        y = F.conv2d(y, kw.view(16, 1, 1, 3), padding=(0, 1), groups=16)
        y = F.conv2d(y, kh.view(16, 1, 3, 1), padding=(1, 0), groups=16)
        return F.conv2d(y, ut.t().reshape(64, 16, 1, 1))

    def rebuilt(x, ut, us, kh, kw):
        return F.conv2d(x, torch.einsum("rt,rs,rh,rw->tshw", ut, us, kh, kw), padding=1)

    operands = [x, ut, us, kh, kw]
    upstream = torch.randn(32, 64, 32, 32, generator=generator)
    with torch.no_grad():
        error = ((all_conv(*operands) - rebuilt(*operands)).abs().max() / rebuilt(*operands).abs().max()).item()
    forms = [lambda *o: all_conv(*o), lambda *o: rebuilt(*o)]
    [conv, kernel] = time_interleaved(forms, operands, upstream, 3, 15)
    return {"layer": "cp (CIFAR-10 size, batch 32)", "allConvMs": conv, "rebuiltKernelMs": kernel, "relativeError": error}


def loaded_blas():
    """The BLAS shared libraries this process has mapped (Linux), e.g. Debian's reference libblas or OpenBLAS."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        return sorted(paths)
    except OSError:
        return []


def time_layer(layer, config, request, generator):
    profile = config["profile"]
    operands = make_operands(layer["operands"], generator)
    forwards = [load_forward(o["file"]) for o in layer["orders"]]
    upstream = upstream_for(forwards[0], operands, generator)
    # The orders must agree (float32, relative to max |y|): a wrong export would time the wrong thing.
    with torch.no_grad():
        reference = forwards[0](*operands)
        scale = reference.abs().max().item()
        errors = [(f(*operands) - reference).abs().max().item() / scale for f in forwards]
    timings = time_interleaved(forwards, operands, upstream, config["warmup"], config["rounds"])
    profiles = {}
    if profile:
        profiles = {o["name"]: operator_profile(f, operands, upstream, request["profile_rounds"]) for o, f in zip(layer["orders"], forwards)}
    steps = []
    for step in layer["steps"]:
        step_operands = make_operands(step["operands"], generator)
        forward = load_forward(step["file"])
        step_upstream = upstream_for(forward, step_operands, generator)
        [timing] = time_interleaved([forward], step_operands, step_upstream, config["warmup"], config["rounds"])
        steps.append({"order": step["order"], "index": step["index"], **timing})
    return {
        "name": layer["name"],
        "orders": [{"name": o["name"], "relativeError": e, **t} for o, e, t in zip(layer["orders"], errors, timings)],
        "profiles": profiles,
        "steps": steps,
    }


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    torch.set_num_threads(request["threads"])
    generator = torch.Generator().manual_seed(SEED)
    answer = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_probe(), "convFormProbe": conv_form_probe(), "configs": []}
    for config in request["configs"]:
        answer["configs"].append({"layers": [time_layer(layer, config, request, generator) for layer in config["layers"]]})
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
