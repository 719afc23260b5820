#!/usr/bin/python3
"""Writes the trainer tests' tiny TorchScript backbone fixture (a few KB, committed).

boneage-djl/src/test/resources/train/tiny_backbone.pt: conv(1->8, stride 2)-BN-ReLU-conv(8->16, stride 2)-BN-ReLU
-global average pooling -> [N, 16] features, for 1-channel inputs of any size. Made with torch.jit.script (not trace)
so its batch norms switch between training and evaluation mode, like the real backbones of tools/export_backbone.py.

    /usr/bin/python3 tools/make_tiny_backbone.py boneage-djl/src/test/resources/train/tiny_backbone.pt
"""
import sys

import torch
import torch.nn as nn


class TinyBackbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
            nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(inplace=True))
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return torch.flatten(self.pool(self.features(x)), 1)


def main():
    torch.manual_seed(20260101)
    module = torch.jit.script(TinyBackbone().eval())
    module.save(sys.argv[1])
    print(f"wrote {sys.argv[1]}: {module(torch.zeros(2, 1, 32, 32)).shape[1]} features")


if __name__ == "__main__":
    main()
