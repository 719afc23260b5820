#!/usr/bin/python3
"""Export a torchvision backbone (the network without its classifier) as a TorchScript feature extractor.

The exported module maps float images [N, 3, H, W] (ImageNet-normalized: PreprocessSpec.IMAGENET_MEAN/STD) to
pooled features [N, F]; boneage's trainer (BackboneSpec.torchScript) adds the bone-age head and fine-tunes both.
It is compiled with torch.jit.script, not torch.jit.trace: a traced module freezes batch norm in the mode it was
traced in, so fine-tuning would never update (or use) the batch statistics.

    architecture   features  what is removed
    googlenet      1024      fc (aux classifiers off; input transform kept as torchvision's weights expect)
    resnet18/34    512       fc
    resnet50       2048      fc
    alexnet        4096      the last linear layer (fc8); fc6/fc7 stay, as in the 2018 paper's CaffeNet
    mobilenet_v2   1280      the classifier (dropout + linear)

--weights imagenet downloads torchvision's ImageNet weights (needs internet, once: torch caches them under
~/.cache/torch); --weights none writes a randomly initialized network (offline; for fixtures and benchmarks).
Needs Debian's python3-torch (1.13) and python3-torchvision (0.14); run with /usr/bin/python3:

    /usr/bin/python3 tools/export_backbone.py --arch resnet50 --weights imagenet --out resnet50-imagenet.pt
"""
import argparse
import os

import torch
import torch.nn as nn
import torchvision

WEIGHTS = {
    "googlenet": "GoogLeNet_Weights",
    "resnet18": "ResNet18_Weights",
    "resnet34": "ResNet34_Weights",
    "resnet50": "ResNet50_Weights",
    "alexnet": "AlexNet_Weights",
    "mobilenet_v2": "MobileNet_V2_Weights",
}


class GoogLeNetFeatures(nn.Module):
    """torchvision's GoogLeNet returns a named tuple when scripted; this returns the pooled features only."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        x = self.net._transform_input(x)
        features, _, _ = self.net._forward(x)
        return features


def backbone(arch, weights):
    weight_enum = None
    if weights == "imagenet":
        weight_enum = getattr(torchvision.models, WEIGHTS[arch]).IMAGENET1K_V1
    if arch == "googlenet":
        net = torchvision.models.googlenet(weights=weight_enum, aux_logits=weight_enum is not None,
                                           init_weights=weight_enum is None)
        net.aux_logits = False
        net.aux1 = None
        net.aux2 = None
        net.fc = nn.Identity()
        return GoogLeNetFeatures(net), 1024
    net = getattr(torchvision.models, arch)(weights=weight_enum)
    if arch.startswith("resnet"):
        features = net.fc.in_features
        net.fc = nn.Identity()
        return net, features
    if arch == "alexnet":
        net.classifier[6] = nn.Identity()
        return net, 4096
    if arch == "mobilenet_v2":
        net.classifier = nn.Identity()
        return net, 1280
    raise SystemExit(f"unknown architecture {arch}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", required=True, choices=sorted(WEIGHTS))
    ap.add_argument("--weights", required=True, choices=["imagenet", "none"])
    ap.add_argument("--out", required=True, help="the .pt file to write")
    ap.add_argument("--size", type=int, default=224, help="input size of the self-check")
    args = ap.parse_args()

    torch.manual_seed(0)
    net, features = backbone(args.arch, args.weights)
    net.eval()
    scripted = torch.jit.script(net)
    scripted.save(args.out)
    with torch.no_grad():
        x = torch.randn(2, 3, args.size, args.size)
        out = scripted(x)
        diff = (out - net(x)).abs().max().item()
    if tuple(out.shape) != (2, features):
        raise SystemExit(f"exported module returns {tuple(out.shape)}, expected (2, {features})")
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes): {args.arch}, weights {args.weights}, "
          f"[N, 3, {args.size}, {args.size}] -> [N, {features}], scripted vs eager difference {diff:.2e}")


if __name__ == "__main__":
    main()
