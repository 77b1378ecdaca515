"""torchvision's side of TransformParityTest: applies torchvision 0.14's functional transforms (on PIL
images, as an ImageFolder pipeline does) with the parameters ResNet4J drew, and writes the results.

Usage: python3 torchvision_transforms.py JOB.json
JOB.json: {"cases": [{"op": ..., "input": {"file", "h", "w", "c", "dtype": "u8"|"f32"|"encoded"}, "params": {...},
"output": FILE}]}. Byte results are written as raw HWC uint8, float results as raw HWC float32 (little-endian).
"""
import io
import json
import os
import sys

import numpy as np
import torch
import torchvision.transforms.functional as F
from PIL import Image

EIGVAL = torch.tensor([0.2175, 0.0188, 0.0045])
EIGVEC = torch.tensor([[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140], [-0.5836, -0.6948, 0.4203]])


def load(spec, base):
    path = os.path.join(base, spec["file"])
    if spec["dtype"] == "encoded":
        with open(path, "rb") as f:
            img = Image.open(io.BytesIO(f.read()))
            img.load()
        return img
    h, w, c = spec["h"], spec["w"], spec["c"]
    if spec["dtype"] == "u8":
        data = np.fromfile(path, dtype=np.uint8).reshape(h, w, c)
        return Image.fromarray(data[:, :, 0] if c == 1 else data, "L" if c == 1 else "RGB")
    data = np.fromfile(path, dtype="<f4").reshape(h, w, c)
    return torch.from_numpy(data.copy()).permute(2, 0, 1)  # CHW tensor


def to_array(x):
    if isinstance(x, Image.Image):
        a = np.asarray(x, dtype=np.uint8)
        return a[:, :, None] if a.ndim == 2 else a
    return x.permute(1, 2, 0).contiguous().numpy().astype("<f4")  # HWC


def normalize(t, p):
    if p["mode"] == "per-pixel":
        mean = torch.tensor(p["mean"], dtype=torch.float32).reshape(t.shape)  # CHW
        return t - mean
    return F.normalize(t, p["mean"], p["std"])


def run(op, x, p):
    if op == "resize":
        return F.resize(x, p["size"])  # [h, w] or [shorter]
    if op == "resize_box":  # PIL's own box resize, which reduced JPEG decoding relies on
        return x.resize((p["width"], p["height"]), Image.BILINEAR, box=tuple(p["box"]))
    if op == "resized_crop":
        return F.resized_crop(x, p["top"], p["left"], p["height"], p["width"], p["size"])
    if op == "pad_crop":
        if p["padding"] > 0:
            x = F.pad(x, p["padding"])
        return F.crop(x, p["top"], p["left"], p["height"], p["width"])
    if op == "center_crop":
        return F.center_crop(x, p["size"])
    if op == "ten_crop":
        return list(F.ten_crop(x, p["size"]))
    if op == "hflip":
        return F.hflip(x)
    if op == "grey":
        return F.rgb_to_grayscale(x)
    if op == "rgb":
        return x.convert("RGB")
    if op == "to_tensor":
        return F.to_tensor(x)
    if op == "normalize":
        return normalize(F.to_tensor(x), p)
    if op == "lighting":  # fb.resnet.torch's Lighting, on a ToTensor image
        t = F.to_tensor(x)
        alpha = torch.tensor(p["alpha"], dtype=torch.float32)
        rgb = (EIGVEC * alpha.view(1, 3) * EIGVAL.view(1, 3)).sum(1)
        return t + rgb.view(3, 1, 1)
    if op == "erase":
        return F.erase(F.to_tensor(x), p["top"], p["left"], p["height"], p["width"], torch.tensor(0.0))
    if op == "jitter":
        adjust = [F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue]
        factors = [p["brightness"], p["contrast"], p["saturation"], p["hue"]]
        for i in p["order"]:
            if factors[i] is not None:
                x = adjust[i](x, factors[i])
        return x
    if op == "decode":
        return x.convert("L" if x.mode in ("L", "1", "I;16", "I") else "RGB")
    if op == "pipeline":  # a preset's test transforms, composed as torchvision's references do
        x = x.convert("RGB") if p["channels"] == 3 else x.convert("L")
        if "resize" in p:
            x = F.resize(x, p["resize"])
        if p.get("ten_crop"):
            views = F.ten_crop(x, p["crop"])
        else:
            views = [F.center_crop(x, p["crop"])] if "crop" in p else [x]
        return [normalize(F.to_tensor(v), p["normalize"]) for v in views]
    raise ValueError("unknown op " + op)


def main():
    job_file = sys.argv[1]
    base = os.path.dirname(os.path.abspath(job_file))
    with open(job_file) as f:
        job = json.load(f)
    for case in job["cases"]:
        x = load(case["input"], base)
        y = run(case["op"], x, case.get("params", {}))
        ys = y if isinstance(y, list) else [y]
        with open(os.path.join(base, case["output"]), "wb") as out:
            for v in ys:
                out.write(to_array(v).tobytes())


if __name__ == "__main__":
    main()
