"""Export a reference network, its weights, an input and its logits for parity checks.

    python3 bench/parity/export.py NAME OUTDIR [--seed 0] [--batch 4] [--shortcut A|B|C]

Writes to OUTDIR:
  weights.npz          full state_dict (keys exactly the state_dict keys); float
                       tensors as float32, num_batches_tracked as int64
  weights.safetensors  the float tensors only, F32, hand-written safetensors format
  input.npy            float32 (batch, 3, H, W); H = W = 224 for ImageNet nets, 32 otherwise
  logits.npy           float32 (batch, num_classes), model.eval() under torch.no_grad()
  meta.json            model, shortcut, input_shape, torch/torchvision versions, params
  grads.npz            with --grads: the gradient of every parameter after one train-mode
                       forward (batch statistics) and backward of the mean cross-entropy
                       against labels i % classes (in meta.json: "labels", "train_loss")

Determinism: torch.manual_seed(seed) before building (conv/fc init), then one
torch.Generator seeded with `seed` draws, in this order, the BatchNorm statistics
(module order; per BN: weight, bias, running_mean, running_var) and the input.
BN weight ~ U(0.5, 1.5), bias ~ N(0, 0.1), running_mean ~ N(0, 0.1),
running_var ~ U(0.5, 1.5): non-trivial BN so inference mode is really tested.

Caveat: those running stats ignore the real activation scale, so in eval mode
activations grow with depth (resnet152 logits ~1e11; resnet1202 and
preact-resnet1001 overflow to NaN).  --calibrate-bn (opt-in, recorded in
meta.json as "bn_calibrated": true) first sets the running stats from one
train-mode pass over a seeded calibration batch (drawn from the generator after
the input), then perturbs them: running_mean += N(0, 0.1) * std,
running_var *= U(0.5, 1.5); weight and bias are drawn as above.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_resnets  # noqa: E402


def randomise_bn(model, gen):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(torch.rand(c, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(c, generator=gen) * 0.1)
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(c, generator=gen) + 0.5)


def calibrate_bn(model, batch, gen):
    """Running stats := batch stats of one train-mode pass, then perturb (see docstring)."""
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average: after one batch, exactly the batch stats
    model.train()
    with torch.no_grad():
        model(batch)
        for m in bns:
            c = m.num_features
            m.momentum = 0.1
            m.num_batches_tracked.zero_()
            m.weight.copy_(torch.rand(c, generator=gen) + 0.5)
            m.bias.copy_(torch.randn(c, generator=gen) * 0.1)
            m.running_mean.add_(torch.randn(c, generator=gen) * 0.1 * m.running_var.sqrt())
            m.running_var.mul_(torch.rand(c, generator=gen) + 0.5)


def write_safetensors(path, tensors):
    """Minimal safetensors writer: u64 LE header length, JSON header, raw LE bytes."""
    header, offset, blobs = {}, 0, []
    for name, arr in tensors.items():
        data = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    hdr = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hdr += b" " * (-len(hdr) % 8)  # pad with spaces so the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(len(hdr).to_bytes(8, "little"))
        f.write(hdr)
        for b in blobs:
            f.write(b)


def export_gradients(model, x, outdir):
    """One training step's gradients (train mode, batch statistics), after the weights are saved."""
    model.train()
    model.zero_grad()
    logits = model(x)
    labels = torch.arange(x.shape[0]) % logits.shape[1]
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    np.savez(os.path.join(outdir, "grads.npz"),
             **{k: p.grad.detach().float().numpy() for k, p in model.named_parameters()})
    return labels.tolist(), loss.item()


def export(name, outdir, seed=0, batch=4, shortcut=None, calibrate=False, grads=False):
    torch.manual_seed(seed)
    model = torch_resnets.build(name, shortcut)
    gen = torch.Generator().manual_seed(seed)
    randomise_bn(model, gen)
    model.eval()
    size = 224 if torch_resnets.family(name) == "imagenet" else 32
    x = torch.randn(batch, 3, size, size, generator=gen, dtype=torch.float32)
    if calibrate:
        calibrate_bn(model, torch.randn(max(batch, 8), 3, size, size, generator=gen), gen)
        model.eval()
    with torch.no_grad():
        logits = model(x).float()
    if not torch.isfinite(logits).all() or logits.abs().max() > 1e6:
        # Deep nets with random running stats blow up in eval mode (see docstring).
        print(f"WARNING: {name} logits are non-finite or huge (max |logit| = "
              f"{logits.abs().max().item():.3g}); compare with a relative tolerance "
              f"or re-export with --calibrate-bn", file=sys.stderr)

    os.makedirs(outdir, exist_ok=True)
    state = {}
    for k, v in model.state_dict().items():
        v = v.detach().cpu()
        state[k] = v.float().numpy() if v.is_floating_point() else v.numpy()  # int64 stays int64
    np.savez(os.path.join(outdir, "weights.npz"), **state)
    write_safetensors(os.path.join(outdir, "weights.safetensors"),
                      {k: v for k, v in state.items() if v.dtype == np.float32})
    np.save(os.path.join(outdir, "input.npy"), x.numpy())
    np.save(os.path.join(outdir, "logits.npy"), logits.numpy())
    meta = {"model": name,
            "shortcut": shortcut or torch_resnets.default_shortcut(name),
            "input_shape": list(x.shape),
            "torch": torch.__version__, "torchvision": torchvision.__version__,
            "params": torch_resnets.num_params(model)}
    if calibrate:
        meta["bn_calibrated"] = True
    if grads:
        meta["labels"], meta["train_loss"] = export_gradients(model, x, outdir)
    with open(os.path.join(outdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    return meta


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("name")
    p.add_argument("outdir")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--shortcut", choices=["A", "B", "C"], default=None)
    p.add_argument("--calibrate-bn", action="store_true",
                   help="running stats from a seeded train-mode pass, then perturbed")
    p.add_argument("--grads", action="store_true",
                   help="also one train-mode step's parameter gradients (grads.npz)")
    a = p.parse_args()
    torch.set_num_threads(2)
    t = time.perf_counter()
    meta = export(a.name, a.outdir, a.seed, a.batch, a.shortcut, a.calibrate_bn, a.grads)
    print(f"{a.name}: {meta['params']:,} params, exported to {a.outdir} "
          f"in {time.perf_counter() - t:.2f}s")


if __name__ == "__main__":
    main()
