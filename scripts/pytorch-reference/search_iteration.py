#!/usr/bin/env python3
"""Times one AdversarialNAS search iteration of the paper's super-networks in PyTorch (CPU).

The reference `npm run bench --pytorch` holds the tfjs numbers against: the same networks
(shared/ADVERSARIALNAS.md sections 2-5), the same iteration (section 6, n_critic 1), on the same
machine. Written from that specification, not from the authors' code. Plain eager PyTorch, as a
user of the reference would run it; the only liberties are ones any careful PyTorch user takes:
each step differentiates only the parameters it updates (torch.autograd.grad, as tfjs's
variableGrads does), G runs under no_grad where its output is detached, and a ReLU shared by
an edge's candidates is computed once per edge.

Prints one line `PYTORCH_RESULT {json}` on stdout; progress and errors go to stderr.
"""
import argparse
import json
import math
import os
import re
import sys
import time

# The name that starts this script's messages (authors_iteration.py imports this module and runs as itself).
SCRIPT = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0].endswith(".py") else "search_iteration.py"

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError as error:
    # src/bench/pytorch.ts recognises this line and says how to point the bench at a python with torch.
    sys.stderr.write(f"{SCRIPT}: no torch in {sys.executable} ({error})\n")
    sys.exit(3)

LATENT = 120
LATENT_CHUNKS = 3
BOTTOM_WIDTH = 4
IMAGE_SIZE = 32
IMAGE_CHANNELS = 3
TAU = 5.0  # tau_max: the Gumbel temperature of the search's first epoch

# (kernel, dilation) of the conv candidates of normal, stem and down edges, in op-table order;
# the padding that keeps (or, at stride 2, halves) the size is dilation * (kernel - 1) / 2.
CONVS = ((1, 1), (3, 1), (5, 1), (3, 2), (5, 2))
DOWN_CONVS = CONVS[1:]


def conv(cin, cout, kernel, stride=1, dilation=1, bias=True, sn=False):
    layer = nn.Conv2d(cin, cout, kernel, stride=stride, padding=dilation * (kernel - 1) // 2, dilation=dilation, bias=bias)
    nn.init.xavier_uniform_(layer.weight)
    # One power iteration per forward in training mode; u and v are buffers, not parameters.
    return nn.utils.spectral_norm(layer) if sn else layer


def mix(weights, outputs):
    return sum(w * y for w, y in zip(weights, outputs))


class NormalEdge(nn.Module):
    """7 candidates, C -> C, stride 1: none, skip, ReLU -> conv 1x1/3x3/5x5/dil 3x3/dil 5x5."""

    def __init__(self, channels, sn=False):
        super().__init__()
        self.convs = nn.ModuleList(conv(channels, channels, k, dilation=d, sn=sn) for k, d in CONVS)

    def forward(self, x, w):
        r = F.relu(x)
        return mix(w, [x.mul(0.0), x] + [c(r) for c in self.convs])


class StemEdge(nn.Module):
    """The first D cell's edges from the image: 5 convs, no ReLU, no none/skip."""

    def __init__(self, cin, cout):
        super().__init__()
        self.convs = nn.ModuleList(conv(cin, cout, k, dilation=d, sn=True) for k, d in CONVS)

    def forward(self, x, w):
        return mix(w, [c(x) for c in self.convs])


class UpEdge(nn.Module):
    """3 candidates, resolution x2: nearest / bilinear -> ReLU -> conv 1x1, and
    ReLU -> depthwise transposed conv 3x3 s2 (no bias) -> conv 1x1 (no bias)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.nearest = conv(cin, cout, 1)
        self.bilinear = conv(cin, cout, 1)
        self.transpose = nn.ConvTranspose2d(cin, cin, 3, stride=2, padding=1, output_padding=1, groups=cin, bias=False)
        nn.init.xavier_uniform_(self.transpose.weight)
        self.transpose_mix = conv(cin, cout, 1, bias=False)

    def forward(self, x, w):
        nearest = self.nearest(F.relu(F.interpolate(x, scale_factor=2, mode="nearest")))
        bilinear = self.bilinear(F.relu(F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)))
        transpose = self.transpose_mix(self.transpose(F.relu(x)))
        return mix(w, [nearest, bilinear, transpose])


class DownEdge(nn.Module):
    """6 candidates, resolution /2: avg pool, max pool, ReLU -> conv 3x3/5x5/dil 3x3/dil 5x5 stride 2."""

    def __init__(self, channels):
        super().__init__()
        self.convs = nn.ModuleList(conv(channels, channels, k, stride=2, dilation=d, sn=True) for k, d in DOWN_CONVS)

    def forward(self, x, w):
        r = F.relu(x)
        return mix(w, [F.avg_pool2d(x, 2), F.max_pool2d(x, 2)] + [c(r) for c in self.convs])


def resize(x, size, mode):
    return F.interpolate(x, size=size, mode=mode, align_corners=False if mode == "bilinear" else None)


class UpCell(nn.Module):
    """node0 = up0(x), node1 = up1(x); node2 = c0(node0) + c1(node1) + skip-ins (the skip-out);
    node3 = c2(node0) + c3(node1) + c4(node2) (the output)."""

    def __init__(self, channels, skip_mode, skips_in):
        super().__init__()
        self.up = nn.ModuleList(UpEdge(channels, channels) for _ in range(2))
        self.c = nn.ModuleList(NormalEdge(channels) for _ in range(5))
        self.skip_mode = skip_mode
        self.skips = nn.ModuleList(conv(channels, channels, 1) for _ in range(skips_in))

    def forward(self, x, w_normal, w_up, skips_in=()):
        node0 = self.up[0](x, w_up[0])
        node1 = self.up[1](x, w_up[1])
        node2 = self.c[0](node0, w_normal[0]) + self.c[1](node1, w_normal[1])
        for skip, s in zip(self.skips, skips_in):
            node2 = node2 + skip(resize(s, node2.shape[-2:], self.skip_mode))
        node3 = self.c[2](node0, w_normal[2]) + self.c[3](node1, w_normal[3]) + self.c[4](node2, w_normal[4])
        return node2, node3


class Generator(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.channels = channels
        chunk = LATENT // LATENT_CHUNKS
        # l1 makes the bottom 4x4 map; l2 and l3 the noise added to the inputs of cells 2 and 3.
        self.latent = nn.ModuleList(nn.Linear(chunk, (BOTTOM_WIDTH * 2**i) ** 2 * channels) for i in range(LATENT_CHUNKS))
        for layer in self.latent:
            nn.init.xavier_uniform_(layer.weight)
        self.cells = nn.ModuleList([UpCell(channels, "nearest", 0), UpCell(channels, "bilinear", 1), UpCell(channels, "nearest", 2)])
        self.norm = nn.BatchNorm2d(channels)
        self.to_rgb = conv(channels, IMAGE_CHANNELS, 3)

    def forward(self, z, weights):
        w_normal, w_up = weights
        chunks = z.chunk(LATENT_CHUNKS, dim=1)
        maps = [layer(c).view(-1, self.channels, BOTTOM_WIDTH * 2**i, BOTTOM_WIDTH * 2**i) for i, (layer, c) in enumerate(zip(self.latent, chunks))]
        h = maps[0]
        skips = []
        for i, cell in enumerate(self.cells):
            if i > 0:
                h = h + maps[i]
            skip, h = cell(h, w_normal[i], w_up[i], skips)
            skips.append(skip)
        return torch.tanh(self.to_rgb(F.relu(self.norm(h))))


class DownCell(nn.Module):
    """node0 = c0(x); node1 = c1(x) + c3(node0); node2 = c2(x) + c4(node0); out = down0(node1) + down1(node2)."""

    def __init__(self, cin, channels, reads_image):
        super().__init__()
        edge_from_x = (lambda: StemEdge(cin, channels)) if reads_image else (lambda: NormalEdge(channels, sn=True))
        self.c = nn.ModuleList([edge_from_x() for _ in range(3)] + [NormalEdge(channels, sn=True) for _ in range(2)])
        self.down = nn.ModuleList(DownEdge(channels) for _ in range(2))

    def forward(self, x, w_edges, w_down):
        node0 = self.c[0](x, w_edges[0])
        node1 = self.c[1](x, w_edges[1]) + self.c[3](node0, w_edges[3])
        node2 = self.c[2](x, w_edges[2]) + self.c[4](node0, w_edges[4])
        return self.down[0](node1, w_down[0]) + self.down[1](node2, w_down[1])


class Discriminator(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.cells = nn.ModuleList(DownCell(IMAGE_CHANNELS if i == 0 else channels, channels, i == 0) for i in range(4))
        head = nn.Linear(channels, 1, bias=False)
        nn.init.xavier_uniform_(head.weight)
        self.head = nn.utils.spectral_norm(head)

    def forward(self, x, weights):
        w_stem, w_normal, w_down = weights
        # Rows in edge order: the first cell's three stem edges, then every other normal edge.
        rows = [*w_stem.unbind(0), *w_normal.unbind(0)]
        h = x
        for i, cell in enumerate(self.cells):
            h = cell(h, rows[5 * i : 5 * i + 5], w_down[i])
        return self.head(F.relu(h).sum(dim=(2, 3)))


def arch_parameter(*shape):
    return (1e-3 * torch.randn(*shape)).requires_grad_()


def mixing_weights(params, tau):
    """Gumbel soft: the softmax probabilities used as the logits of a fresh Gumbel-softmax draw."""
    return [F.gumbel_softmax(F.softmax(p, dim=-1), tau=tau, hard=False, dim=-1) for p in params]


def count(module):
    return sum(p.numel() for p in module.parameters())


def quantile(ordered, q):
    # Linear interpolation between order statistics, as src/bench/stats.ts.
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * q
    lower, upper = math.floor(position), math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def median(values):
    return quantile(sorted(values), 0.5)


class Laps:
    """Wall time of consecutive phases: lap(key) records the ms since the previous lap (or creation)."""

    def __init__(self):
        self.times = {}
        self._last = time.perf_counter()

    def __call__(self, key):
        now = time.perf_counter()
        self.times[key] = (now - self._last) * 1000
        self._last = now


class Search:
    """The two super-networks, their architecture parameters and optimizers; step() is one iteration."""

    def __init__(self, widths, batch, split, generator_batch, seed):
        torch.manual_seed(seed)
        self.G = Generator(widths[0]).train()
        self.D = Discriminator(widths[1]).train()
        # Each edge has its own row, as wide as its op set (the first D cell's stem edges: 5).
        self.alphas = [arch_parameter(3, 5, 7), arch_parameter(3, 2, 3)]
        self.betas = [arch_parameter(3, 5), arch_parameter(4 * 5 - 3, 7), arch_parameter(4, 2, 6)]
        self.g_weights = list(self.G.parameters())
        self.d_weights = list(self.D.parameters())
        # foreach: one fused loop over all tensors instead of a Python loop (PyTorch 1.13 defaults to it on GPU only).
        arch = dict(lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-4, foreach=True)
        weights = dict(lr=2e-4, betas=(0.0, 0.9), foreach=True)
        self.optimizers = {
            "dArch": torch.optim.Adam(self.betas, **arch),
            "dWeights": torch.optim.Adam(self.d_weights, **weights),
            "gArch": torch.optim.Adam(self.alphas, **arch),
            "gWeights": torch.optim.Adam(self.g_weights, **weights),
        }
        self.ema = [p.detach().clone() for p in self.g_weights]
        self.real = torch.rand(batch, IMAGE_CHANNELS, IMAGE_SIZE, IMAGE_SIZE) * 2 - 1
        self.weight_part = math.floor(batch * split)
        self.generator_batch = generator_batch

    def generate(self, n):
        return self.G(torch.randn(n, LATENT), mixing_weights(self.alphas, TAU))

    def discriminate(self, x):
        return self.D(x, mixing_weights(self.betas, TAU))

    def d_hinge(self, real, n):
        real_logits = self.discriminate(real)
        with torch.no_grad():  # the fakes are detached: G records nothing
            fake = self.generate(n)
        return F.relu(1.0 - real_logits).mean() + F.relu(1.0 + self.discriminate(fake)).mean()

    def g_hinge(self):
        return -self.discriminate(self.generate(self.generator_batch)).mean()

    def update(self, key, params, loss):
        for p, g in zip(params, torch.autograd.grad(loss, params)):
            p.grad = g
        self.optimizers[key].step()
        return loss.item()

    def step(self):
        """One iteration (n_critic 1); returns the wall time of each phase (ms) and the losses."""
        losses = {}
        lap = Laps()
        real_weights, real_arch = self.real[: self.weight_part], self.real[self.weight_part :]
        losses["dArchLoss"] = self.update("dArch", self.betas, self.d_hinge(real_arch, len(real_arch)))
        lap("dArch")
        losses["dLoss"] = self.update("dWeights", self.d_weights, self.d_hinge(real_weights, len(real_weights)))
        lap("dWeights")
        losses["gArchLoss"] = self.update("gArch", self.alphas, self.g_hinge())
        lap("gArch")
        losses["gLoss"] = self.update("gWeights", self.g_weights, self.g_hinge())
        with torch.no_grad():
            torch._foreach_mul_(self.ema, 0.999)
            torch._foreach_add_(self.ema, self.g_weights, alpha=0.001)
        lap("gWeights")
        for k, v in losses.items():
            if not math.isfinite(v):
                raise RuntimeError(f"loss {k} is {v}")
        return lap.times, losses


def pair(text):
    try:
        a, b = re.split(r"[/,]", text)
        return int(a), int(b)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not two integers a/b or a,b, e.g. 16/16")


def argument_parser(description):
    """The options both scripts take: the sizes, batches, timing and the parameter check."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--widths", type=pair, default=(16, 16), help="super-network widths G/D (default 16/16)")
    p.add_argument("--batch", type=int, default=16, help="real batch, split between the weight and architecture steps")
    p.add_argument("--generator-batch", type=int, default=16)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--expect-parameters", type=pair, metavar="G,D", help="exit non-zero unless the weight counts are these (G/D or G,D)")
    return p


def parse_args(argv):
    p = argument_parser(__doc__.split("\n")[0])
    p.add_argument("--split", type=float, default=0.5, help="part of the real batch for the D weight step (default 0.5)")
    return p.parse_args(argv)


def peak_rss_bytes():
    try:
        import resource
    except ImportError:  # not on Unix
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def benchmark(args, step, parameters, *, name, split, architecture_parameters=None, extra=None):
    """Checks the weight counts against --expect-parameters, runs `step` (which returns the phases'
    times in ms and the losses) --warmup times, then --iterations times timed, and prints the
    PYTORCH_RESULT line. Returns the exit code: 4 when the counts differ (nothing timed)."""
    if args.expect_parameters is not None:
        expected = dict(zip(("generator", "discriminator"), args.expect_parameters))
        wrong = [f"{k} {parameters[k]} here, {expected[k]} expected" for k in expected if parameters[k] != expected[k]]
        if wrong:
            sys.stderr.write(f"{SCRIPT}: parameter counts differ ({'; '.join(wrong)}): not the same networks, nothing timed\n")
            return 4
    for _ in range(args.warmup):
        step()
    walls, cpus, phases, losses = [], [], [], {}
    for i in range(args.iterations):
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        times, losses = step()
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - cpu0) * 1000)
        phases.append(times)
        sys.stderr.write(f"  {name}: iteration {i + 1}/{args.iterations} {walls[-1]:.0f} ms\n")
    ordered = sorted(walls)
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "widths": {"generator": args.widths[0], "discriminator": args.widths[1]},
        "batch": {"discriminator": args.batch, "split": split, "generator": args.generator_batch},
        "warmup": args.warmup,
        "iterations": args.iterations,
        "medianMs": quantile(ordered, 0.5),
        "minMs": ordered[0] if ordered else math.nan,
        "maxMs": ordered[-1] if ordered else math.nan,
        "q1Ms": quantile(ordered, 0.25),
        "q3Ms": quantile(ordered, 0.75),
        "phasesMs": {k: median([p[k] for p in phases]) for k in ("dArch", "dWeights", "gArch", "gWeights")},
        "samplesMs": walls,
        "cpuMs": median(cpus),
        "parameters": parameters,
        **({"architectureParameters": architecture_parameters} if architecture_parameters is not None else {}),
        "peakRssBytes": peak_rss_bytes(),
        "losses": losses,
        **(extra or {}),
    }
    # NaN (no timed iterations) is not JSON: null instead.
    clean = json.loads(json.dumps(result), parse_constant=lambda _: None)
    sys.stdout.write(f"PYTORCH_RESULT {json.dumps(clean)}\n")
    return 0


def main(argv):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    search = Search(args.widths, args.batch, args.split, args.generator_batch, args.seed)
    parameters = {"generator": count(search.G), "discriminator": count(search.D)}
    architecture = {"generator": sum(p.numel() for p in search.alphas), "discriminator": sum(p.numel() for p in search.betas)}
    name = f"search {args.widths[0]}/{args.widths[1]} pytorch"
    return benchmark(args, search.step, parameters, name=name, split=args.split, architecture_parameters=architecture)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
