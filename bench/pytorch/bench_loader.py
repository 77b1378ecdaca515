#!/usr/bin/env python3
"""PyTorch side of the loader benchmark (issue 18): torchvision's ImageFolder + DataLoader on a photo
folder with a preset's training transforms, decoded by PIL, as ./resnet4j bench --mode data measures
ResNet4J's loader. Prints one JSON object: images/s (median of --repeats passes of --batches
batches), per core when --workers 0 (the main process decodes, torch.set_num_threads(1)).

  imagenet        RandomResizedCrop(S), RandomHorizontalFlip, ToTensor, Normalize(ImageNet mean, std)
  imagenet-paper  shorter side random in [S*256/224, S*480/224], RandomCrop(S), RandomHorizontalFlip,
                  ToTensor, AlexNet PCA lighting (std 0.1), Normalize (per-channel stand-in for the mean image)

Usage: /usr/bin/python3 bench/pytorch/bench_loader.py --data DIR [--preset imagenet] [--size 224]
           [--batch-size 128] [--batches 20] [--repeats 5] [--workers 0]
Runs on tcmalloc like ResNet4J (allocator.py).
"""
import argparse
import json
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import allocator  # noqa: E402

allocator.use_tcmalloc()

import torch  # noqa: E402
import torchvision  # noqa: E402
import torchvision.transforms as T  # noqa: E402
import torchvision.transforms.functional as F  # noqa: E402

EIGVAL = torch.tensor([0.2175, 0.0188, 0.0045])
EIGVEC = torch.tensor([[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140], [-0.5836, -0.6948, 0.4203]])
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


class ScaleAugmentation:
    """The paper's section 3.4: the shorter side resized to a random length in [lo, hi]."""

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def __call__(self, img):
        return F.resize(img, random.randint(self.lo, self.hi))


class Lighting:
    """AlexNet's PCA lighting as fb.resnet.torch applies it."""

    def __init__(self, std):
        self.std = std

    def __call__(self, t):
        alpha = torch.empty(3).normal_(0, self.std)
        return t + (EIGVEC * alpha.view(1, 3) * EIGVAL.view(1, 3)).sum(1).view(3, 1, 1)


def transforms(preset, s):
    if preset == "imagenet":
        return T.Compose([T.RandomResizedCrop(s), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(MEAN, STD)])
    if preset == "imagenet-paper":
        return T.Compose([ScaleAugmentation(round(s * 256 / 224), round(s * 480 / 224)), T.RandomCrop(s),
                          T.RandomHorizontalFlip(), T.ToTensor(), Lighting(0.1), T.Normalize(MEAN, STD)])
    raise SystemExit("bench_loader.py: --preset must be imagenet or imagenet-paper")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="DIR with DIR/train/<class>/*.jpg")
    p.add_argument("--preset", default="imagenet")
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--batches", type=int, default=20)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--workers", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(1)
    root = os.path.join(a.data, "train") if os.path.isdir(os.path.join(a.data, "train")) else a.data
    ds = torchvision.datasets.ImageFolder(root, transform=transforms(a.preset, a.size))
    loader = torch.utils.data.DataLoader(ds, batch_size=a.batch_size, shuffle=True, num_workers=a.workers, drop_last=True)

    def one_pass(batches):
        n = 0
        start = time.perf_counter()
        it = iter(loader)
        for _ in range(batches):
            x = next(it, None)
            if x is None:  # a folder smaller than the measurement: start the next epoch
                it = iter(loader)
                x = next(it)
            n += x[0].shape[0]
        return n / (time.perf_counter() - start)

    one_pass(min(3, a.batches))  # warm-up: file cache, imports
    rates = sorted(one_pass(a.batches) for _ in range(a.repeats))
    print(json.dumps({"side": "pytorch", "preset": a.preset, "size": a.size, "batch_size": a.batch_size,
                      "workers": a.workers, "images_per_sec": round(statistics.median(rates), 1),
                      "min": round(rates[0], 1), "max": round(rates[-1], 1), "images": len(ds),
                      "allocator": allocator.describe(), "pil": __import__("PIL").__version__,
                      "torchvision": torchvision.__version__, "load": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()
