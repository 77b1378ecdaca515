#!/usr/bin/env python3
"""The PyTorch reference training run of issue 5, for comparisons at equal epochs.

resnet20 (bench/parity/torch_resnets.py, option A) on the CIFAR-10 JPEGs with the issue's recipe:
SGD Nesterov (momentum 0.9), weight decay 5e-4, batch 128, learning rate 0.1 reached by a linear
warm-up over the first 2 epochs (from 0.01, per iteration), then cosine decay to 0 per iteration
over the remaining epochs; augmentation 4-pixel zero padding + random 32x32 crop + horizontal flip,
per-channel mean/std normalisation (torchvision's RandomCrop(32, padding=4), RandomHorizontalFlip,
ToTensor, Normalize). The images are decoded once with PIL (as ImageFolder does) and kept in memory
as uint8, so an epoch costs only the training; the augmentation is applied per sample on each batch.
Channels-last layout, 2 threads (PyTorch's fastest settings on this machine).

Checkpoints after every epoch (atomically, DIR/checkpoint.pt); rerunning the same command resumes.
Prints one JSON line at the end: test_error, train_error (on the augmented batches of the last
epoch), epochs, seconds (training only), and writes it to DIR/result.json.

Usage: /usr/bin/python3 bench/pytorch/train_reference.py --data DIR --epochs 30 --out runs/torch-30
       (DIR = the extracted cifar10-jpeg.zip: DIR/train/<class>/*.jpg, DIR/test/<class>/*.jpg)
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

import allocator
from bench_torch import CIFAR_MEAN, CIFAR_STD, build  # the speed benchmark's constants and networks


def load_split(root):
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    images, labels = [], []
    for index, name in enumerate(classes):
        folder = os.path.join(root, name)
        for file in sorted(os.listdir(folder)):
            with Image.open(os.path.join(folder, file)) as im:
                images.append(np.asarray(im.convert("RGB"), dtype=np.uint8))
            labels.append(index)
    return torch.from_numpy(np.stack(images)), torch.tensor(labels)


def normalise(batch_uint8_nhwc):
    mean = torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR_STD).view(1, 3, 1, 1)
    x = batch_uint8_nhwc.permute(0, 3, 1, 2).float().div_(255)
    return ((x - mean) / std).contiguous(memory_format=torch.channels_last)


def augment(batch_uint8_nhwc, generator):
    """RandomCrop(32, padding=4) with zero fill, then RandomHorizontalFlip, per sample."""
    n = batch_uint8_nhwc.shape[0]
    padded = torch.zeros((n, 40, 40, 3), dtype=torch.uint8)
    padded[:, 4:36, 4:36] = batch_uint8_nhwc
    dy = torch.randint(0, 9, (n,), generator=generator)
    dx = torch.randint(0, 9, (n,), generator=generator)
    flip = torch.rand(n, generator=generator) < 0.5
    out = torch.empty_like(batch_uint8_nhwc)
    for i in range(n):
        crop = padded[i, dy[i]:dy[i] + 32, dx[i]:dx[i] + 32]
        out[i] = crop.flip(1) if flip[i] else crop
    return out


def learning_rate(step, steps_per_epoch, epochs, peak=0.1, start=0.01, warmup_epochs=2):
    warmup = warmup_epochs * steps_per_epoch
    if step < warmup:
        return start + (peak - start) * step / warmup
    total = epochs * steps_per_epoch - warmup
    return 0.5 * peak * (1 + math.cos(math.pi * (step - warmup) / total))


def evaluate(model, images, labels, batch=500):
    model.eval()
    wrong = 0
    with torch.no_grad():
        for i in range(0, len(labels), batch):
            logits = model(normalise(images[i:i + batch]))
            wrong += (logits.argmax(1) != labels[i:i + batch]).sum().item()
    model.train()
    return wrong / len(labels)


def main():
    allocator.use_tcmalloc()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="extracted cifar10-jpeg.zip (DIR/train, DIR/test)")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--out", required=True, help="run folder: checkpoint.pt, log.jsonl, result.json")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    for split in ("train", "test"):
        if not os.path.isdir(os.path.join(args.data, split)):
            p.error(f"--data: {os.path.join(args.data, split)} is not a folder (unzip cifar10-jpeg.zip into DIR)")

    torch.set_num_threads(args.threads)
    print(f"train_reference: torch {torch.__version__}, {args.threads} threads, {allocator.in_use()}", file=sys.stderr)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    train_x, train_y = load_split(os.path.join(args.data, "train"))
    test_x, test_y = load_split(os.path.join(args.data, "test"))

    model = build("resnet20").to(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(args.seed)
    steps_per_epoch = math.ceil(len(train_y) / 128)
    start_epoch, seconds, train_error = 0, 0.0, float("nan")
    checkpoint = os.path.join(args.out, "checkpoint.pt")
    if os.path.exists(checkpoint):
        state = torch.load(checkpoint)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        generator.set_state(state["generator"])
        start_epoch, seconds, train_error = state["epoch"], state["seconds"], state["train_error"]
        print(f"resuming after epoch {start_epoch}", file=sys.stderr)

    model.train()
    for epoch in range(start_epoch, args.epochs):
        t0 = time.perf_counter()
        order = torch.randperm(len(train_y), generator=generator)
        wrong = 0
        for b in range(steps_per_epoch):
            index = order[b * 128:(b + 1) * 128]
            x = normalise(augment(train_x[index], generator))
            y = train_y[index]
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(epoch * steps_per_epoch + b, steps_per_epoch, args.epochs)
            optimizer.zero_grad(set_to_none=True)
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()
            wrong += (logits.argmax(1) != y).sum().item()
        seconds += time.perf_counter() - t0
        train_error = wrong / len(train_y)
        line = {"epoch": epoch + 1, "train_error": train_error, "seconds": round(seconds, 1)}
        print(json.dumps(line), file=sys.stderr, flush=True)
        with open(os.path.join(args.out, "log.jsonl"), "a") as log:
            log.write(json.dumps(line) + "\n")
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "generator": generator.get_state(), "epoch": epoch + 1, "seconds": seconds,
                    "train_error": train_error},
                   checkpoint + ".tmp")
        os.replace(checkpoint + ".tmp", checkpoint)

    result = {"framework": "pytorch", "torch": torch.__version__, "model": "resnet20", "epochs": args.epochs,
              "seed": args.seed, "test_error": evaluate(model, test_x, test_y),
              "train_error": train_error, "seconds": round(seconds, 1)}
    with open(os.path.join(args.out, "result.json.tmp"), "w") as f:
        json.dump(result, f)
    os.replace(os.path.join(args.out, "result.json.tmp"), os.path.join(args.out, "result.json"))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
