#!/usr/bin/python3
"""Builds the tiny regressors that boneage-djl's tests load, each as TorchScript and as ONNX with the same weights.

Run once by a developer (the library and its tests never run Python):

    /usr/bin/python3 tools/make_fixtures.py [output-folder]

Needs Debian's python3-torch (1.13) and python3-onnx. Writes, into
boneage-djl/src/test/resources/fixtures/ by default:

  googlenet_tiny   inception block (1x1, 3x3, 5x5 and pooled branches, concatenated)
  resnet_tiny      two bottleneck residual blocks (the second strided, with a projection shortcut), batch norm
  alexnet_tiny     CaffeNet-style convolutions with local response normalization and a fully connected head
  sexinput_tiny    image features concatenated with a second input "sex" (float [N,1], 1 male, 0 female)
  twohead_tiny     two outputs per image ([N,2]), for output-shape checks and the age-bin head

Every network takes "image" float [N,3,32,32] and returns "age" float [N,1] (twohead_tiny: [N,2]); the batch axis is
dynamic, height and width are fixed. TorchScript is made with torch.jit.script (not trace). expected.json holds the
outputs of the eager PyTorch modules for a reference batch, so Java can check both engines against PyTorch itself.
"""
import json
import os
import sys

import torch
import torch.nn as nn

SIZE = 32
BATCH = 3
# Sex input of the reference batch: male, female, unknown.
REFERENCE_SEX = [1.0, 0.0, 0.5]


def reference_batch():
    """Inputs Java can rebuild exactly: value(i) = ((i * 7919) % 2001 - 1000) / 1000 over the flat NCHW index i."""
    n = BATCH * 3 * SIZE * SIZE
    i = torch.arange(n, dtype=torch.int64)
    values = ((i * 7919) % 2001 - 1000).to(torch.float64) / 1000.0
    return values.to(torch.float32).reshape(BATCH, 3, SIZE, SIZE)


def conv_relu(cin, cout, k, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2), nn.ReLU(inplace=True))


class Inception(nn.Module):
    """GoogLeNet's module: four parallel branches concatenated along channels."""

    def __init__(self, cin):
        super().__init__()
        self.b1 = conv_relu(cin, 4, 1)
        self.b2 = nn.Sequential(conv_relu(cin, 4, 1), conv_relu(4, 6, 3))
        self.b3 = nn.Sequential(conv_relu(cin, 2, 1), conv_relu(2, 4, 5))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), conv_relu(cin, 4, 1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


class GoogLeNetTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(conv_relu(3, 8, 3), nn.MaxPool2d(2))
        self.inception = Inception(8)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.4)
        self.fc = nn.Linear(18, 1)

    def forward(self, image):
        x = self.pool(self.inception(self.stem(image)))
        return self.fc(self.dropout(torch.flatten(x, 1)))


class Bottleneck(nn.Module):
    """ResNet-50's block: 1x1 reduce, 3x3, 1x1 expand, added to the (projected) input."""

    def __init__(self, cin, mid, cout, stride):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.ReLU(inplace=True),
            nn.Conv2d(mid, mid, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(mid), nn.ReLU(inplace=True),
            nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout))
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))
        else:
            self.shortcut = nn.Identity()
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.relu(self.body(x) + self.shortcut(x))


class ResNetTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16),
                                  nn.ReLU(inplace=True))
        self.layer1 = Bottleneck(16, 8, 16, 1)
        self.layer2 = Bottleneck(16, 8, 32, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 1)

    def forward(self, image):
        x = self.pool(self.layer2(self.layer1(self.stem(image))))
        return self.fc(torch.flatten(x, 1))


class AlexNetTiny(nn.Module):
    """CaffeNet's pattern: conv, ReLU, LRN, max-pool twice, a third conv, then fully connected layers."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 5, padding=2), nn.ReLU(inplace=True), nn.LocalResponseNorm(5), nn.MaxPool2d(3, 2),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(inplace=True), nn.LocalResponseNorm(5), nn.MaxPool2d(3, 2),
            nn.Conv2d(16, 8, 3, padding=1), nn.ReLU(inplace=True))
        self.classifier = nn.Sequential(nn.Dropout(0.5), nn.Linear(8 * 7 * 7, 32), nn.ReLU(inplace=True),
                                        nn.Linear(32, 1))

    def forward(self, image):
        return self.classifier(torch.flatten(self.features(image), 1))


class SexInputTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(conv_relu(3, 8, 3, stride=2), conv_relu(8, 8, 3, stride=2),
                                      nn.AdaptiveAvgPool2d(1))
        self.head = nn.Sequential(nn.Linear(9, 8), nn.ReLU(inplace=True), nn.Linear(8, 1))

    def forward(self, image, sex):
        return self.head(torch.cat([torch.flatten(self.features(image), 1), sex], 1))


class TwoHeadTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(conv_relu(3, 8, 3, stride=2), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(8, 2)

    def forward(self, image):
        return self.fc(torch.flatten(self.features(image), 1))


def randomize_batch_norm(model):
    """Fresh batch norm layers are the identity; random running statistics make the fixture exercise them."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)


def normalize_output(model, inputs):
    """Scales the last linear layer so the reference outputs lie in [-1, 1], like a regressor of standardized ages."""
    last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    with torch.no_grad():
        peak = model(*inputs).abs().max().item()
        last.weight.div_(peak)
        last.bias.div_(peak)


def export(name, model, out_dir, seed, sex_input=False):
    torch.manual_seed(seed)
    for p in model.parameters():
        p.data.normal_(0, 0.3)
    randomize_batch_norm(model)
    model.eval()
    image = reference_batch()
    inputs = (image, torch.tensor(REFERENCE_SEX).reshape(BATCH, 1)) if sex_input else (image,)
    normalize_output(model, inputs)
    input_names = ["image", "sex"] if sex_input else ["image"]
    dynamic = {n: {0: "batch"} for n in input_names + ["age"]}
    with torch.no_grad():
        expected = model(*inputs)
        scripted = torch.jit.script(model)
        assert torch.allclose(scripted(*inputs), expected, atol=1e-6), name
        scripted.save(os.path.join(out_dir, name + ".pt"))
        torch.onnx.export(model, inputs, os.path.join(out_dir, name + ".onnx"), input_names=input_names,
                          output_names=["age"], dynamic_axes=dynamic, opset_version=13, do_constant_folding=True)
    return expected.tolist()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "boneage-djl", "src", "test", "resources", "fixtures")
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    outputs = {
        "googlenet_tiny": export("googlenet_tiny", GoogLeNetTiny(), out_dir, 101),
        "resnet_tiny": export("resnet_tiny", ResNetTiny(), out_dir, 102),
        "alexnet_tiny": export("alexnet_tiny", AlexNetTiny(), out_dir, 103),
        "sexinput_tiny": export("sexinput_tiny", SexInputTiny(), out_dir, 104, sex_input=True),
        "twohead_tiny": export("twohead_tiny", TwoHeadTiny(), out_dir, 105),
    }
    expected = {
        "input": {"shape": [BATCH, 3, SIZE, SIZE],
                  "formula": "value(i) = ((i * 7919) % 2001 - 1000) / 1000, i = flat NCHW index"},
        "sex": REFERENCE_SEX,
        "torchVersion": torch.__version__,
        "outputs": outputs,
    }
    with open(os.path.join(out_dir, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")
    for name in sorted(os.listdir(out_dir)):
        print("%-24s %7d bytes" % (name, os.path.getsize(os.path.join(out_dir, name))))


if __name__ == "__main__":
    main()
