#!/usr/bin/env python3
"""PyTorch side of bench/compare-pytorch: training and inference throughput of the reference
ResNets (bench/parity/torch_resnets.py) on the CPU, one JSON object per measurement on stdout.

  train  SGD (lr 0.1, momentum 0.9, weight decay 1e-4) + cross-entropy on a fixed random batch
         with random labels; one iteration = zero_grad, forward, loss, backward, step.
  infer  model.eval() under torch.no_grad(); one iteration = one forward pass.
  epoch  one real CIFAR-10 training epoch on the JPEG image-folder tree (--data DIR with
         DIR/train/<class>/*.jpg): ImageFolder + DataLoader(batch 128, shuffle) with
         RandomCrop(32, padding=4), RandomHorizontalFlip, ToTensor, Normalize(CIFAR mean/std).

train/infer: --warmup untimed iterations, then --iters timed ones (wall clock, perf_counter);
images_per_sec = batch / median iteration time, min/max = batch / slowest and fastest iteration.
epoch: seconds = wall time from the first batch request to the last optimizer step (data
loading and decoding included), images_per_sec = images / seconds, min/max per batch.

Usage: /usr/bin/python3 bench/pytorch/bench_torch.py --model resnet20 --mode train \
           --batch-size 128 --iters 20 --warmup 5 --threads 2 --layout both
"""
import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "parity"))
import allocator  # noqa: E402
from torch_resnets import build, family  # noqa: E402

# Per-channel mean and standard deviation of the 50,000 CIFAR-10 training images (RGB, [0, 1]).
CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2470, 0.2435, 0.2616)


def parse_input(text, model_name):
    if text is None:
        return (3, 224, 224) if family(model_name) == "imagenet" else (3, 32, 32)
    try:
        dims = tuple(int(d) for d in text.lower().split("x"))
    except ValueError:
        dims = ()
    if len(dims) != 3 or min(dims) < 1:
        raise SystemExit(f"bench_torch: --input must look like 3x32x32, got {text!r}")
    return dims


def memory_format(layout):
    return torch.channels_last if layout == "channels_last" else torch.contiguous_format


def make_optimizer(model):
    return torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)


def record(args, layout, batch, times, extra=None):
    """One JSON line; times are per-iteration wall seconds."""
    med = statistics.median(times)
    out = {
        "framework": "pytorch",
        "model": args.model,
        "mode": args.mode,
        "batch_size": batch,
        "layout": layout,
        "threads": args.threads,
        "precision": args.precision,
        "images_per_sec": round(batch / med, 2),
        "min": round(batch / max(times), 2),
        "max": round(batch / min(times), 2),
        "iters": len(times),
        "median_ms": round(med * 1e3, 3),
        "input": "x".join(map(str, args.input_shape)),
        "torch": torch.__version__,
        "allocator": allocator.describe(),
        "loadavg": round(os.getloadavg()[0], 2),
    }
    if extra:
        out.update(extra)
    print(json.dumps(out), flush=True)


def start_profile(args):
    """--profile: records the measured iterations with the autograd profiler (None without it)."""
    if not args.profile:
        return None
    profiler = torch.autograd.profiler.profile(record_shapes=True)
    profiler.__enter__()
    return profiler


def stop_profile(args, profiler):
    if profiler is not None:
        profiler.__exit__(None, None, None)
        partial = args.profile + ".part"
        profiler.export_chrome_trace(partial)
        os.replace(partial, args.profile)


def autocast(args):
    """--precision bf16: torch.autocast on the CPU in bfloat16 (convolutions and linear layers in bf16,
    batch norm, loss and weights in float32), PyTorch's own mixed precision; fp32: nothing."""
    if args.precision == "bf16":
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def bench_synthetic(args, layout):
    torch.manual_seed(args.seed)
    fmt = memory_format(layout)
    model = build(args.model).to(memory_format=fmt)
    classes = model.fc.out_features
    b = args.batch_size
    x = torch.randn(b, *args.input_shape).contiguous(memory_format=fmt)
    y = torch.randint(0, classes, (b,))
    times = []
    if args.mode == "train":
        model.train()
        opt = make_optimizer(model)
        loss_fn = nn.CrossEntropyLoss()
        for i in range(args.warmup + args.iters):
            if i == args.warmup:
                profiler = start_profile(args)
            t0 = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            with autocast(args):
                loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            t = time.perf_counter() - t0
            if i >= args.warmup:
                times.append(t)
        stop_profile(args, profiler)
        if not torch.isfinite(loss):
            print(f"bench_torch: warning: non-finite loss {loss.item()}", file=sys.stderr)
    else:
        model.eval()
        with torch.no_grad():
            for i in range(args.warmup + args.iters):
                if i == args.warmup:
                    profiler = start_profile(args)
                t0 = time.perf_counter()
                with autocast(args):
                    model(x)
                t = time.perf_counter() - t0
                if i >= args.warmup:
                    times.append(t)
            stop_profile(args, profiler)
    record(args, layout, b, times)


def bench_epoch(args, layout):
    import torchvision.datasets as datasets
    import torchvision.transforms as T

    if not args.data:
        raise SystemExit("bench_torch: --mode epoch needs --data DIR (DIR/train/<class>/*.jpg)")
    root = os.path.join(args.data, "train") if os.path.isdir(os.path.join(args.data, "train")) else args.data
    if args.preset == "cifar" and args.input_shape != (3, 32, 32):
        raise SystemExit("bench_torch: --mode epoch uses the 32x32 CIFAR-10 images (--input 3x32x32)")
    torch.manual_seed(args.seed)
    fmt = memory_format(layout)
    t_setup = time.perf_counter()
    if args.preset == "imagenet":  # torchvision's reference recipe on photos (ResNet4J's --preset imagenet)
        s = args.input_shape[1]
        transform = T.Compose([T.RandomResizedCrop(s), T.RandomHorizontalFlip(), T.ToTensor(),
                               T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
    else:
        transform = T.Compose([
            T.RandomCrop(32, padding=4),
            T.RandomHorizontalFlip(),
            T.ToTensor(),
            T.Normalize(CIFAR_MEAN, CIFAR_STD),
        ])
    dataset = datasets.ImageFolder(root, transform=transform)
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=args.batch_size, shuffle=True, num_workers=args.workers,
        persistent_workers=False)
    setup = time.perf_counter() - t_setup
    model = build(args.model)
    if model.fc.out_features != len(dataset.classes):  # as ResNet4J's epoch: the classifier for the folder's classes
        model.fc = nn.Linear(model.fc.in_features, len(dataset.classes))
    model = model.to(memory_format=fmt)
    model.train()
    opt = make_optimizer(model)
    loss_fn = nn.CrossEntropyLoss()
    times, images, loss_sum = [], 0, 0.0
    t_start = time.perf_counter()
    t0 = t_start
    for i, (x, y) in enumerate(loader):
        if args.limit and i >= args.limit:
            break
        x = x.contiguous(memory_format=fmt)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss_sum += loss.item() * x.shape[0]
        images += x.shape[0]
        t1 = time.perf_counter()
        times.append((t1 - t0) / x.shape[0])  # seconds per image, so a short last batch is fair
        t0 = t1
    total = time.perf_counter() - t_start
    med = statistics.median(times)
    print(json.dumps({
        "framework": "pytorch",
        "model": args.model,
        "mode": "epoch",
        "batch_size": args.batch_size,
        "layout": layout,
        "threads": args.threads,
        "images_per_sec": round(images / total, 2),
        "min": round(1 / max(times), 2),
        "max": round(1 / min(times), 2),
        "iters": len(times),
        "seconds": round(total, 3),
        "images": images,
        "setup_seconds": round(setup, 3),
        "workers": args.workers,
        "median_batch_images_per_sec": round(1 / med, 2),
        "train_loss": round(loss_sum / max(images, 1), 4),
        "full_epoch": images == len(dataset),
        "input": "x".join(str(v) for v in args.input_shape),
        "preset": args.preset,
        "torch": torch.__version__,
        "allocator": allocator.describe(),
        "loadavg": round(os.getloadavg()[0], 2),
    }), flush=True)


def main(argv=None):
    allocator.use_tcmalloc()
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="resnet20", help="resnet20/56/110 (CIFAR, option A), resnet18/50 ...")
    p.add_argument("--mode", choices=("train", "infer", "epoch"), default="train")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--iters", type=int, default=20, help="timed iterations (train/infer)")
    p.add_argument("--warmup", type=int, default=5, help="untimed iterations first (train/infer)")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (intra-op)")
    p.add_argument("--layout", choices=("nchw", "channels_last", "both"), default="nchw")
    p.add_argument("--input", default=None,
                   help="CxHxW of the synthetic batch (default 3x224x224 for ImageNet nets, else 3x32x32)")
    p.add_argument("--data", help="epoch: extracted CIFAR-10 JPEG tree (DIR/train/<class>/*.jpg)")
    p.add_argument("--workers", type=int, default=0, help="epoch: DataLoader num_workers")
    p.add_argument("--preset", choices=("cifar", "imagenet"), default="cifar",
                   help="epoch: cifar (pad-4 crop + flip of the 32x32 JPEGs) or imagenet (RandomResizedCrop to --input, "
                        "flip, ImageNet mean/std, for photo folders)")
    p.add_argument("--limit", type=int, default=0, help="epoch: stop after N batches (0 = whole epoch)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--precision", choices=("fp32", "bf16"), default="fp32",
                   help="train/infer: bf16 runs the step under torch.autocast('cpu', dtype=torch.bfloat16)")
    p.add_argument("--profile", metavar="FILE",
                   help="train/infer: Chrome trace of the measured iterations (autograd profiler; slows every op)")
    args = p.parse_args(argv)
    if args.batch_size < 1 or args.iters < 1 or args.warmup < 0 or args.threads < 1:
        p.error("--batch-size, --iters and --threads must be >= 1, --warmup >= 0")
    if args.profile and (args.layout == "both" or args.mode == "epoch"):
        p.error("--profile: one layout (nchw or channels_last) and --mode train or infer")
    if args.precision != "fp32" and args.mode == "epoch":
        p.error("--precision: the epoch mode runs in fp32 only (bf16 is for --mode train or infer)")
    args.input_shape = parse_input(args.input, args.model)
    torch.set_num_threads(args.threads)  # Debian's torch defaults to 1 thread here
    print(f"bench_torch: torch {torch.__version__}, {torch.get_num_threads()} threads, {allocator.describe()}, "
          f"{platform.processor() or platform.machine()}, mkldnn={torch.backends.mkldnn.is_available()}",
          file=sys.stderr)
    layouts = ("nchw", "channels_last") if args.layout == "both" else (args.layout,)
    for layout in layouts:
        if args.mode == "epoch":
            bench_epoch(args, layout)
        else:
            bench_synthetic(args, layout)


if __name__ == "__main__":
    main()
