#!/usr/bin/env python3
"""Writes a photo-like image folder for the loader and epoch benchmarks (issue 18): CIFAR-10 images
from ../shared/data/cifar10-jpeg.zip upscaled (bicubic) to 500x375 or 375x500, with film-grain
noise so the JPEGs carry a photo's detail (~90 KB at quality 93), as train/<class>/NNNN.jpg and
test/<class>/NNNN.jpg.

Usage: /usr/bin/python3 bench/pytorch/make_photos.py OUT_DIR [--per-class 300] [--test-per-class 20]
       [--size 500x375] [--zip ../shared/data/cifar10-jpeg.zip]
"""
import argparse
import io
import os
import sys
import zipfile

import numpy as np
from PIL import Image


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--per-class", type=int, default=300, help="training images per class")
    p.add_argument("--test-per-class", type=int, default=20)
    p.add_argument("--size", default="500x375", help="WIDTHxHEIGHT of landscape images (every 4th is portrait)")
    p.add_argument("--zip", default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data",
                                                 "cifar10-jpeg.zip"))
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    if not os.path.exists(a.zip):
        sys.exit("make_photos.py: %s not found" % a.zip)
    w, h = (int(v) for v in a.size.split("x"))
    rng = np.random.default_rng(a.seed)
    total = 0
    with zipfile.ZipFile(a.zip) as z:
        names = sorted(n for n in z.namelist() if n.endswith(".jpg"))
        for split, count in (("train", a.per_class), ("test", a.test_per_class)):
            by_class = {}
            for n in names:
                parts = n.split("/")
                if parts[-3] == split:
                    by_class.setdefault(parts[-2], []).append(n)
            for c, files in sorted(by_class.items()):
                d = os.path.join(a.out, split, c)
                os.makedirs(d, exist_ok=True)
                for i, n in enumerate(files[:count]):
                    size = (w, h) if i % 4 else (h, w)
                    img = Image.open(io.BytesIO(z.read(n))).convert("RGB").resize(size, Image.BICUBIC)
                    x = np.asarray(img, dtype=np.float32) + rng.normal(0, 12, (size[1], size[0], 3))
                    Image.fromarray(np.clip(x, 0, 255).astype(np.uint8)).save(os.path.join(d, "%04d.jpg" % i), quality=93)
                    total += 1
    print("wrote %d images to %s" % (total, a.out))


if __name__ == "__main__":
    main()
