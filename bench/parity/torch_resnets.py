"""PyTorch reference networks for the ResNet4J parity checks.

`build(name, shortcut=None)` returns the torch.nn.Module that the Java side
(ResNet4J on DJL) must reproduce exactly: same structure, same state_dict key
names, same module registration order, same logits for the same weights.

Families (D is the depth):
  resnet18/34/50/101/152   torchvision ImageNet ResNet v1.5 (stride on the 3x3), option B.
  resnetD, cifar-resnetD   CIFAR ResNet of He et al. 2016 sec. 4.2, D = 6n+2
                           (resnetD only when D is not an ImageNet depth).
                           shortcut 'A' (default, zero-pad), 'B' (projection where
                           the shape changes) or 'C' (projection on every block).
  plainD                   the CIFAR net without any shortcut, D = 6n+2.
  preact-resnetD           pre-activation ResNet (He et al., "Identity Mappings"):
                           basic blocks for D <= 110 (D = 6n+2), bottlenecks for
                           D > 110 (D = 9n+2).
"""
import re

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

IMAGENET_DEPTHS = (18, 34, 50, 101, 152)


def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 3, stride, 1, bias=False)


def conv1x1(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 1, stride, 0, bias=False)


class PadShortcut(nn.Module):
    """Option A shortcut: parameter-free, as akamaster's pytorch_resnet_cifar10.

    Subsample by taking every second pixel starting at (0, 0) (x[:, :, ::2, ::2]),
    then zero-pad the channel dimension with (out-in)//2 channels BEFORE the
    identity channels and the rest AFTER them.  The Java side must put the
    zeros in exactly the same places, or the sums land on different channels.
    """

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        self.before = (cout - cin) // 2
        self.after = cout - cin - self.before

    def forward(self, x):
        if self.stride == 2:
            x = x[:, :, ::2, ::2]
        elif self.stride != 1:
            raise ValueError("option A supports stride 1 or 2")
        # F.pad pads from the last dim backwards: (W, W, H, H, C_before, C_after)
        return F.pad(x, (0, 0, 0, 0, self.before, self.after))


class BasicBlock(nn.Module):
    """CIFAR basic block; shortcut in {'A', 'B', 'C', None} (None = plain net)."""

    expansion = 1

    def __init__(self, cin, cout, stride=1, shortcut="A"):
        super().__init__()
        # Registration order matters for parity: conv1, bn1, conv2, bn2, downsample.
        self.conv1 = conv3x3(cin, cout, stride)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = conv3x3(cout, cout)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.residual = shortcut is not None
        changes = stride != 1 or cin != cout
        self.downsample = None
        self.shortcut = None  # option A module, no parameters, no state_dict keys
        if shortcut == "C" or (shortcut == "B" and changes):
            self.downsample = nn.Sequential(conv1x1(cin, cout, stride), nn.BatchNorm2d(cout))
        elif shortcut == "A" and changes:
            self.shortcut = PadShortcut(cin, cout, stride)
        elif shortcut not in ("A", "B", "C", None):
            raise ValueError(f"unknown shortcut option {shortcut!r}")

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.residual:
            if self.downsample is not None:
                out = out + self.downsample(x)
            elif self.shortcut is not None:
                out = out + self.shortcut(x)
            else:
                out = out + x
        return self.relu(out)


class PreActBasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, width, stride=1):
        super().__init__()
        # Order: bn1, conv1, bn2, conv2, downsample.
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = conv3x3(cin, width, stride)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width)
        self.relu = nn.ReLU(inplace=False)
        cout = width * self.expansion
        # Projection is a conv only (no BN), applied to the pre-activated input.
        self.downsample = (nn.Sequential(conv1x1(cin, cout, stride))
                           if stride != 1 or cin != cout else None)

    def forward(self, x):
        pre = self.relu(self.bn1(x))
        shortcut = self.downsample(pre) if self.downsample is not None else x  # identity = raw x
        out = self.conv1(pre)
        out = self.conv2(self.relu(self.bn2(out)))
        return out + shortcut  # no relu after the add


class PreActBottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, width, stride=1):
        super().__init__()
        # Order: bn1, conv1, bn2, conv2, bn3, conv3, downsample. Stride on the 3x3.
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = conv1x1(cin, width)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, stride)
        self.bn3 = nn.BatchNorm2d(width)
        self.conv3 = conv1x1(width, width * self.expansion)
        self.relu = nn.ReLU(inplace=False)
        cout = width * self.expansion
        self.downsample = (nn.Sequential(conv1x1(cin, cout, stride))
                           if stride != 1 or cin != cout else None)

    def forward(self, x):
        pre = self.relu(self.bn1(x))
        shortcut = self.downsample(pre) if self.downsample is not None else x
        out = self.conv1(pre)
        out = self.conv2(self.relu(self.bn2(out)))
        out = self.conv3(self.relu(self.bn3(out)))
        return out + shortcut


class CifarResNet(nn.Module):
    """CIFAR ResNet / plain net: 3x3 conv (16) -> 3 stages (16, 32, 64) -> pool -> fc(10)."""

    def __init__(self, n, shortcut="A", num_classes=10):
        super().__init__()
        self.conv1 = conv3x3(3, 16)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU(inplace=True)
        cin = 16
        for i, (width, stride) in enumerate(((16, 1), (32, 2), (64, 2)), 1):
            blocks = []
            for j in range(n):
                blocks.append(BasicBlock(cin, width, stride if j == 0 else 1, shortcut))
                cin = width
            setattr(self, f"layer{i}", nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, num_classes)
        _init(self)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class PreActResNet(nn.Module):
    """Pre-activation ResNet: conv1 (no BN/relu) -> 3 stages -> bn, relu -> pool -> fc(10)."""

    def __init__(self, block, n, num_classes=10):
        super().__init__()
        self.conv1 = conv3x3(3, 16)
        cin = 16
        for i, (width, stride) in enumerate(((16, 1), (32, 2), (64, 2)), 1):
            blocks = []
            for j in range(n):
                blocks.append(block(cin, width, stride if j == 0 else 1))
                cin = width * block.expansion
            setattr(self, f"layer{i}", nn.Sequential(*blocks))
        self.bn = nn.BatchNorm2d(cin)
        self.relu = nn.ReLU(inplace=True)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, num_classes)
        _init(self)

    def forward(self, x):
        x = self.conv1(x)
        x = self.layer3(self.layer2(self.layer1(x)))
        x = self.relu(self.bn(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def _init(model):
    """torchvision init: kaiming fan_out for convs, BN weight 1 bias 0, default Linear."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.constant_(m.weight, 1)
            nn.init.constant_(m.bias, 0)


def _blocks(depth, k, name):
    if depth < 2 + k or (depth - 2) % k:
        raise ValueError(f"{name}: depth must be {k}n+2 with n >= 1")
    return (depth - 2) // k


def family(name):
    """'imagenet' | 'cifar' | 'plain' | 'preact' for a model name."""
    m = re.fullmatch(r"(cifar-resnet|resnet|plain|preact-resnet)(\d+)", name)
    if not m:
        raise ValueError(f"unknown model name {name!r}")
    prefix, depth = m.group(1), int(m.group(2))
    if prefix == "resnet":
        return "imagenet" if depth in IMAGENET_DEPTHS else "cifar"
    return {"cifar-resnet": "cifar", "plain": "plain", "preact-resnet": "preact"}[prefix]


def default_shortcut(name):
    """The shortcut option a family uses when none is given ('none' for plain nets)."""
    return {"imagenet": "B", "cifar": "A", "plain": "none", "preact": "B"}[family(name)]


def build(name, shortcut=None):
    """Build the named network with freshly initialised (torch RNG) weights."""
    fam = family(name)
    depth = int(re.search(r"\d+$", name).group())
    if fam != "cifar" and shortcut not in (None, default_shortcut(name)):
        raise ValueError(f"{name} only supports shortcut {default_shortcut(name)}")
    if fam == "imagenet":
        return getattr(torchvision.models, f"resnet{depth}")(weights=None)
    if fam == "cifar":
        return CifarResNet(_blocks(depth, 6, name), shortcut or "A")
    if fam == "plain":
        return CifarResNet(_blocks(depth, 6, name), None)
    if depth <= 110:
        return PreActResNet(PreActBasicBlock, _blocks(depth, 6, name))
    return PreActResNet(PreActBottleneck, _blocks(depth, 9, name))


def num_params(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


EXPECTED = {
    "resnet20": 269_722, "resnet32": 464_154, "resnet44": 658_586, "resnet56": 853_018,
    "resnet110": 1_727_962, "resnet1202": 19_421_274, "resnet18": 11_689_512,
    "resnet34": 21_797_672, "resnet50": 25_557_032, "resnet101": 44_549_160,
    "resnet152": 60_192_808,
}

if __name__ == "__main__":
    # Print the parameter-count table (checks the known counts).
    torch.set_num_threads(2)
    names = list(EXPECTED) + ["cifar-resnet20:B", "cifar-resnet20:C", "plain20", "plain56",
                              "plain110", "preact-resnet110", "preact-resnet164",
                              "preact-resnet1001"]
    print("| model | shortcut | trainable params | expected |")
    print("|---|---|---:|---:|")
    ok = True
    for spec in names:
        name, _, sc = spec.partition(":")
        n = num_params(build(name, sc or None))
        exp = EXPECTED.get(spec)
        ok &= exp is None or exp == n
        print(f"| {name} | {sc or default_shortcut(name)} | {n:,} | "
              f"{'' if exp is None else f'{exp:,}' + (' ok' if exp == n else ' MISMATCH')} |")
    raise SystemExit(0 if ok else 1)
