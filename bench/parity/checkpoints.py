"""Write one reference network's weights as torch.save writes checkpoints, for the import parity test.

    python3 bench/parity/checkpoints.py NAME OUTDIR [--seed 0] [--dtypes]

First exports NAME exactly as export.py does (random weights and BN statistics, weights.npz,
input.npy, logits.npy, meta.json), then writes to OUTDIR:
  zip.pth                  torch.save(model.state_dict())                   (zip format, PyTorch >= 1.6)
  legacy.pth               the same with _use_new_zipfile_serialization=False (the legacy format)
  zip-wrapped.pth.tar      {'epoch', 'arch', 'best_acc1', 'state_dict': {'module.' + name: tensor},
                           'optimizer'} as training scripts save it (DataParallel names)
  legacy-wrapped.pth.tar   the same in the legacy format
  strided.pt               fc.weight transposed in memory (column-major strides) and fc.bias a view
                           at an offset into a larger storage
  float16.pt, bfloat16.pt, float64.pt   with --dtypes: the state_dict in that dtype, with
                           logits-DTYPE.npy computed from the weights rounded to it
  evil.pth                 a checkpoint whose pickle calls os.system to create OUTDIR/pwned
  manifest.json            {"checkpoints": [{"file", "logits", "wrapper", "stripped"}],
                            "evil": {"file", "global", "marker"}}
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export  # noqa: E402
import torch_resnets  # noqa: E402


class Evil:
    """Unpickling this runs os.system: what a reader of checkpoints must never do."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ("touch " + self.marker,))


def rebuild(name, seed):
    """The exported network again (export.export's construction and BN draws), in eval mode."""
    torch.manual_seed(seed)
    model = torch_resnets.build(name, None)
    export.randomise_bn(model, torch.Generator().manual_seed(seed))
    return model.eval()


def logits_with(model, state, x):
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    with torch.no_grad():
        return model(x).float().numpy()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("name")
    p.add_argument("outdir")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtypes", action="store_true", help="also float16, bfloat16 and float64 checkpoints")
    a = p.parse_args()
    torch.set_num_threads(2)
    export.export(a.name, a.outdir, a.seed)
    out = a.outdir
    model = rebuild(a.name, a.seed)
    state = model.state_dict()
    x = torch.from_numpy(np.load(os.path.join(out, "input.npy")))
    entries = []

    def save(obj, file, logits="logits.npy", wrapper=None, stripped=False, legacy=False):
        torch.save(obj, os.path.join(out, file), _use_new_zipfile_serialization=not legacy)
        entries.append({"file": file, "logits": logits, "wrapper": wrapper, "stripped": stripped})

    save(state, "zip.pth")
    save(state, "legacy.pth", legacy=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for legacy in (False, True):
        wrapped = {"epoch": 90, "arch": a.name, "best_acc1": torch.tensor(76.13),
                   "state_dict": {"module." + k: v for k, v in state.items()},
                   "optimizer": optimizer.state_dict()}
        save(wrapped, ("legacy" if legacy else "zip") + "-wrapped.pth.tar", wrapper="state_dict", stripped=True,
             legacy=legacy)
    strided = dict(state)
    strided["fc.weight"] = state["fc.weight"].t().contiguous().t()
    bias = state["fc.bias"]
    strided["fc.bias"] = torch.cat([torch.randn(5), bias, torch.randn(3)])[5:5 + bias.numel()]
    assert not strided["fc.weight"].is_contiguous() and strided["fc.bias"].storage_offset() == 5
    save(strided, "strided.pt")
    if a.dtypes:
        for dtype in (torch.float16, torch.bfloat16, torch.float64):
            label = str(dtype).replace("torch.", "")
            cast = {k: v.to(dtype) if v.is_floating_point() else v for k, v in state.items()}
            np.save(os.path.join(out, "logits-" + label + ".npy"), logits_with(rebuild(a.name, a.seed), cast, x))
            save(cast, label + ".pt", logits="logits-" + label + ".npy")
    marker = os.path.join(out, "pwned")
    torch.save({"state_dict": state, "payload": Evil(marker)}, os.path.join(out, "evil.pth"))
    manifest = {"checkpoints": entries,
                "evil": {"file": "evil.pth", "global": os.system.__module__ + ".system", "marker": marker}}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(f"{a.name}: {len(entries)} checkpoints in {out}")


if __name__ == "__main__":
    main()
