#!/usr/bin/python3
"""Writes random-weight, full-size bone-age regressors for the inference benchmark (never committed: ~700 MB).

    /usr/bin/python3 tools/make_benchmark_models.py [output-folder]

Default output: boneage-benchmarks/target/benchmark-models/. Needs Debian's python3-torch (1.13), python3-torchvision
(0.14) and python3-onnx. For each of GoogLeNet, ResNet-50 and AlexNet (torchvision's layouts, one output: the
regression head of the papers) it writes <name>.pt (torch.jit.script) and <name>.onnx (opset 13, dynamic batch) with
the same weights. Input: "image" float [N, 3, 224, 224]; output: "age" float [N, 1]. Weights are random (fixed seed):
the benchmark measures speed, not accuracy.
"""
import os
import sys

import torch
import torch.nn as nn
import torchvision

SIZE = 224


class GoogLeNetRegressor(nn.Module):
    """torchvision's GoogLeNet without auxiliary heads; its scripted forward returns a named tuple, so call the core."""

    def __init__(self):
        super().__init__()
        self.net = torchvision.models.googlenet(weights=None, num_classes=1, aux_logits=False, init_weights=True)

    def forward(self, image):
        x, _, _ = self.net._forward(self.net._transform_input(image))
        return x


def models():
    return {
        "googlenet": GoogLeNetRegressor(),
        "resnet50": torchvision.models.resnet50(weights=None, num_classes=1),
        "alexnet": torchvision.models.alexnet(weights=None, num_classes=1),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "boneage-benchmarks", "target",
                                                                  "benchmark-models")
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(2018)
    example = torch.rand(2, 3, SIZE, SIZE)
    for name, model in models().items():
        model.eval()
        with torch.no_grad():
            expected = model(example)
            scripted = torch.jit.script(model)
            assert torch.allclose(scripted(example), expected, atol=1e-4), name
            scripted.save(os.path.join(out_dir, name + ".pt"))
            torch.onnx.export(model, (example,), os.path.join(out_dir, name + ".onnx"), input_names=["image"],
                              output_names=["age"], dynamic_axes={"image": {0: "batch"}, "age": {0: "batch"}},
                              opset_version=13, do_constant_folding=True)
        for ext in ("pt", "onnx"):
            path = os.path.join(out_dir, name + "." + ext)
            print("%-16s %6.1f MB" % (os.path.basename(path), os.path.getsize(path) / 1e6))


if __name__ == "__main__":
    main()
