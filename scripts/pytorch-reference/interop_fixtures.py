#!/usr/bin/env python3
"""Writes what `dsl`'s interop tests compare against, from the authors' own derived generator.

`write` builds archs/arch_cifar10.py's Generator (imported from AUTHORS, a clone of
github.com/chengaopro/AdversarialNAS) for a genotype, gives it seeded weights and non-trivial
batch-norm statistics, and writes into OUT:
  weights.safetensors  its state_dict() exactly as PyTorch names it (every key, including the
                       tensors registered under two names and num_batches_tracked as int64)
  latents.npy          float32 [n, latent_dim], standard normal
  images.npy           float32 [n, 3, H, W]: G(latents) in evaluation mode
  discriminator.safetensors, d_logits.npy
                       with --discriminator: the AutoGAN discriminator of the same file (width
                       --gf, spectral norm, u and v after a few training-mode passes) and its
                       evaluation-mode logits on images.npy
  meta.json            the settings, so a reader knows what the files are

`check` loads a safetensors file (e.g. `dsl export`'s) into the same Generator with
load_state_dict(strict=True), runs it on LATENTS and prints the largest difference from IMAGES
(e.g. `dsl sample`'s .npy) and the time taken, as one `INTEROP_RESULT {json}` line.

Usage:
  interop_fixtures.py write --authors DIR --out OUT [--dataset cifar10|stl10] [--gf 4] [--n 4]
  interop_fixtures.py check --authors DIR --weights FILE --latents z.npy --images x.npy [--dataset ..] [--gf ..]
The safetensors format is written and read here with struct and json (8-byte little-endian header
length, JSON header, raw little-endian data), so only torch and numpy are needed.
"""
import argparse
import json
import os
import struct
import sys
import time
import types

import numpy as np
import torch

DTYPES = {torch.float32: ("F32", np.float32), torch.int64: ("I64", np.int64)}
FROM_CODE = {"F32": np.float32, "I64": np.int64, "F64": np.float64, "I32": np.int32}


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        code, np_dtype = DTYPES[tensor.dtype]
        data = tensor.detach().cpu().numpy().astype(np.dtype(np_dtype).newbyteorder("<")).tobytes()
        header[name] = {"dtype": code, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)  # the data starts 8-byte aligned, as the reference library writes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length].decode("utf-8"))
    header.pop("__metadata__", None)
    start = 8 + length
    out = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        array = np.frombuffer(raw[start + begin : start + end], dtype=np.dtype(FROM_CODE[entry["dtype"]]).newbyteorder("<"))
        out[name] = torch.from_numpy(array.reshape(entry["shape"]).astype(FROM_CODE[entry["dtype"]]).copy())
    return out


def build(authors, dataset, gf, latent_dim, genotype_path):
    sys.path.insert(0, authors)
    sys.dont_write_bytecode = True
    from archs.arch_cifar10 import Generator

    genotype = np.load(genotype_path or os.path.join(authors, "exps", "arch_cifar10", "Genotypes", "latest_G.npy"))
    args = types.SimpleNamespace(gf_dim=gf, bottom_width=4 if dataset == "cifar10" else 6, dataset=dataset, latent_dim=latent_dim)
    return Generator(args, genotype).eval(), genotype


def seeded_statistics(model, generator):
    """Batch-norm statistics and affine parameters far from their defaults, so that loading them matters."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                c = module.num_features
                module.running_mean.copy_(0.3 * torch.randn(c, generator=generator))
                module.running_var.copy_(0.5 + 1.5 * torch.rand(c, generator=generator))
                module.weight.copy_(1 + 0.2 * torch.randn(c, generator=generator))
                module.bias.copy_(0.2 * torch.randn(c, generator=generator))
                module.num_batches_tracked.fill_(1234)


def write_discriminator(a, images, generator):
    """AutoGAN's D as the authors build it for re-training, with its spectral-norm vectors moved off their random start."""
    from archs.arch_cifar10 import Discriminator

    args = types.SimpleNamespace(df_dim=a.gf, d_spectral_norm=True)
    d = Discriminator(args)
    d.train()
    with torch.no_grad():
        for _ in range(3):  # training-mode passes run the power iteration, as training would
            d(torch.randn(images.shape, generator=generator))
    d.eval()
    with torch.no_grad():
        logits = d(images)
    write_safetensors(os.path.join(a.out, "discriminator.safetensors"), d.state_dict(), {"format": "pt"})
    np.save(os.path.join(a.out, "d_logits.npy"), logits.numpy().astype(np.float32))


def command_write(a):
    torch.manual_seed(a.seed)
    model, genotype = build(a.authors, a.dataset, a.gf, a.latent_dim, a.genotype)
    generator = torch.Generator().manual_seed(a.seed + 1)
    seeded_statistics(model, generator)
    z = torch.randn(a.n, a.latent_dim, generator=generator)
    started = time.perf_counter()
    with torch.no_grad():
        images = model(z)
    seconds = time.perf_counter() - started
    os.makedirs(a.out, exist_ok=True)
    write_safetensors(os.path.join(a.out, "weights.safetensors"), model.state_dict(), {"format": "pt"})
    np.save(os.path.join(a.out, "latents.npy"), z.numpy().astype(np.float32))
    np.save(os.path.join(a.out, "images.npy"), images.numpy().astype(np.float32))
    if a.discriminator:
        write_discriminator(a, images, generator)
    meta = {
        "code": "archs/arch_cifar10.py Generator (github.com/chengaopro/AdversarialNAS)",
        "dataset": a.dataset,
        "gf_dim": a.gf,
        "latent_dim": a.latent_dim,
        "genotype": genotype.tolist(),
        "n": a.n,
        "seed": a.seed,
        "discriminator": bool(a.discriminator),
        "command": "interop_fixtures.py " + " ".join(sys.argv[1:]).replace(a.authors, "AUTHORS"),
        "torch": torch.__version__,
        "forward_seconds": seconds,
    }
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print("INTEROP_RESULT " + json.dumps({"out": a.out, "images": list(images.shape), "seconds": seconds}))


def command_check(a):
    model, _ = build(a.authors, a.dataset, a.gf, a.latent_dim, a.genotype)
    model.load_state_dict(read_safetensors(a.weights), strict=True)
    z = torch.from_numpy(np.load(a.latents).astype(np.float32))
    expected = np.load(a.images).astype(np.float32)
    started = time.perf_counter()
    with torch.no_grad():
        images = model(z).numpy()
    seconds = time.perf_counter() - started
    if images.shape != expected.shape:
        print(f"shapes differ: PyTorch {images.shape}, file {expected.shape}", file=sys.stderr)
        sys.exit(1)
    diff = float(np.max(np.abs(images - expected)))
    print("INTEROP_RESULT " + json.dumps({"maxAbsDiff": diff, "images": list(images.shape), "seconds": seconds, "strict": True}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("write", "check"):
        p = sub.add_parser(name)
        p.add_argument("--authors", required=True, help="a clone of github.com/chengaopro/AdversarialNAS")
        p.add_argument("--dataset", choices=("cifar10", "stl10"), default="cifar10")
        p.add_argument("--gf", type=int, default=4, help="gf_dim, the generator's width (the paper: 256)")
        p.add_argument("--latent-dim", type=int, default=None, help="default: 3 or 2 chunks of 4 (12); the paper: 120")
        p.add_argument("--genotype", default=None, help="a genotype .npy (default: the authors' latest_G.npy)")
        p.add_argument("--threads", type=int, default=None)
    w = sub.choices["write"]
    w.add_argument("--out", required=True)
    w.add_argument("--n", type=int, default=4)
    w.add_argument("--seed", type=int, default=0)
    w.add_argument("--discriminator", action="store_true", help="also write AutoGAN's discriminator and its logits")
    c = sub.choices["check"]
    c.add_argument("--weights", required=True)
    c.add_argument("--latents", required=True)
    c.add_argument("--images", required=True)
    a = parser.parse_args()
    if a.latent_dim is None:
        a.latent_dim = 12
    if a.threads:
        torch.set_num_threads(a.threads)
    (command_write if a.command == "write" else command_check)(a)


if __name__ == "__main__":
    main()
