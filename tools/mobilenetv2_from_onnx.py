#!/usr/bin/python3
"""Turn the int8 ONNX Model Zoo MobileNetV2 into a float torchvision mobilenet_v2 and export it as TorchScript.

The ONNX model (mobilenetv2-12-int8.onnx) stores every convolution as a QLinearConv whose batch norm was folded
into the weights and an int32 bias. This script:

1. dequantizes each convolution's weights, ``w = scale[c] * (q - zero_point[c])`` (per output channel), and its
   bias, ``b = q_b * input_scale * scale[c]``, and puts them into torchvision's mobilenet_v2, matching the 52
   convolutions in graph order and checking every shape; the classifier's QLinearMatMul/QLinearAdd likewise;
2. turns each batch norm into an exact identity plus the folded bias (mean 0, var 1, gamma sqrt(1 + eps), beta b),
   so the float network computes what the int8 one approximates, without activation quantization;
3. optionally (``--calibration-dir``) re-expresses every batch norm with statistics measured on real images:
   running mean E and variance V of its input, gamma sqrt(V + eps), beta E + b. In evaluation mode this is still
   exactly the same function; in training mode (fine-tuning, batch statistics) the network then starts close to
   the pretrained one instead of renormalizing every channel to unit variance;
4. exports with torch.jit.script (not trace: traced batch norm cannot switch to training mode) the feature
   extractor (features + global average pooling + flatten: [N, 3, H, W] -> [N, 1280]) and, optionally, the whole
   classifier ([N, 1000] logits);
5. optionally (``--check-dir``) writes check inputs with two sets of logits for
   io.github.boneage.benchmarks.train.MobileNetV2ConversionCheck, which runs the ONNX file on ONNX Runtime (Java):
   the float network's logits, and the logits of a step-by-step simulation of the int8 graph (QuantizeLinear,
   QLinearConv, QLinearAdd, ... with the same dequantization formulas). ONNX Runtime matching the simulation shows
   that scales, zero points, per-channel axes and bias scales are read correctly; the float network then differs
   from ONNX Runtime only by the int8 graph's activation rounding.

Needs Debian's python3-torch (1.13), python3-torchvision (0.14), python3-onnx and python3-pil; run with
/usr/bin/python3. Example:

    /usr/bin/python3 tools/mobilenetv2_from_onnx.py \\
        --onnx ../shared/weights/mobilenetv2-12-int8.onnx \\
        --out mobilenetv2-imagenet-int8.pt --classifier-out mobilenetv2-classifier.pt \\
        --calibration-dir ../shared/data/rsna-299/images --calibration-count 256 --calibration-size 224
"""
import argparse
import json
import os
import random
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torchvision
from onnx import numpy_helper

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def load_graph(path):
    model = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    return model.graph, inits


def dequantize(q, scale, zero_point, axis=0):
    """scale * (q - zero_point), with per-channel scale/zero point broadcast along ``axis``."""
    q = q.astype(np.float64)
    scale = np.asarray(scale, dtype=np.float64)
    zero_point = np.asarray(zero_point, dtype=np.float64)
    if scale.ndim == 1 and scale.size > 1:
        shape = [1] * q.ndim
        shape[axis] = scale.size
        scale = scale.reshape(shape)
        zero_point = zero_point.reshape(shape)
    return (q - zero_point) * scale


def convert(graph, inits):
    """Builds a float torchvision mobilenet_v2 holding the dequantized weights; returns it and per-layer checks."""
    net = torchvision.models.mobilenet_v2(weights=None)
    convs = [m for m in net.modules() if isinstance(m, nn.Conv2d)]
    norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    qconvs = [n for n in graph.node if n.op_type == "QLinearConv"]
    if len(convs) != len(qconvs) or len(norms) != len(convs):
        sys.exit(f"layer count mismatch: torchvision has {len(convs)} convs / {len(norms)} batch norms, ONNX {len(qconvs)} QLinearConv")
    checks = []
    for conv, bn, node in zip(convs, norms, qconvs):
        x_scale = inits[node.input[1]]
        w_q, w_scale, w_zp = inits[node.input[3]], inits[node.input[4]], inits[node.input[5]]
        if tuple(w_q.shape) != tuple(conv.weight.shape):
            sys.exit(f"shape mismatch at {node.output[0]}: ONNX {w_q.shape}, torchvision {tuple(conv.weight.shape)}")
        w = dequantize(w_q, w_scale, w_zp, axis=0)
        if len(node.input) > 8:
            b_q = inits[node.input[8]]
            b = b_q.astype(np.float64) * float(x_scale) * np.asarray(w_scale, dtype=np.float64)
        else:
            b = np.zeros(w.shape[0])
        with torch.no_grad():
            conv.weight.copy_(torch.from_numpy(w).float())
            # The folded bias goes into the batch norm, which is otherwise an identity.
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0)
            bn.weight.fill_(float(np.sqrt(1.0 + bn.eps)))
            bn.bias.copy_(torch.from_numpy(b).float())
        checks.append({
            "layer": node.output[0], "shape": list(w_q.shape), "perChannel": int(np.size(w_scale)) > 1,
            "maxAbsWeightError": float(np.max(np.abs(conv.weight.detach().double().numpy() - w))),
            "maxAbsWeight": float(np.max(np.abs(w))),
        })
    # Classifier: QLinearMatMul (x @ W, W is [1280, 1000]) then QLinearAdd of the bias.
    mm = next(n for n in graph.node if n.op_type == "QLinearMatMul")
    w = dequantize(inits[mm.input[3]], inits[mm.input[4]], inits[mm.input[5]], axis=1)
    add = next(n for n in graph.node if n.op_type == "QLinearAdd" and n.input[0] == mm.output[0])
    b = dequantize(inits[add.input[3]], inits[add.input[4]], inits[add.input[5]])
    linear = net.classifier[1]
    if tuple(w.T.shape) != tuple(linear.weight.shape):
        sys.exit(f"classifier shape mismatch: ONNX {w.T.shape}, torchvision {tuple(linear.weight.shape)}")
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(w.T.copy()).float())
        linear.bias.copy_(torch.from_numpy(np.asarray(b).reshape(-1)).float())
    return net, norms, checks


def calibration_batches(folder, count, size, batch, seed, ids=None):
    from PIL import Image
    names = sorted(f for f in os.listdir(folder) if f.lower().endswith((".jpg", ".jpeg", ".png")))
    if ids is not None:
        names = [f for f in names if os.path.splitext(f)[0] in ids]
    random.Random(seed).shuffle(names)
    names = names[:count]
    mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(3, 1, 1)
    for start in range(0, len(names), batch):
        tensors = []
        for name in names[start:start + batch]:
            img = Image.open(os.path.join(folder, name)).convert("L").resize((size, size), Image.BILINEAR)
            t = torch.from_numpy(np.asarray(img, dtype=np.float32) / 255.0).unsqueeze(0).expand(3, size, size)
            tensors.append((t - mean) / std)
        yield torch.stack(tensors)
    if not names:
        sys.exit(f"no .jpg/.png images in {folder}")


def calibrate(net, norms, batches):
    """Measures each batch norm's input statistics (eval mode, so the function is unchanged) and re-expresses it."""
    sums = {id(bn): None for bn in norms}
    hooks = []

    def hook(module, inputs):
        x = inputs[0].detach().double()
        s = sums[id(module)]
        n = x.shape[0] * x.shape[2] * x.shape[3]
        m1 = x.sum(dim=(0, 2, 3))
        m2 = (x * x).sum(dim=(0, 2, 3))
        sums[id(module)] = (n, m1, m2) if s is None else (s[0] + n, s[1] + m1, s[2] + m2)

    for bn in norms:
        hooks.append(bn.register_forward_pre_hook(hook))
    net.eval()
    images = 0
    with torch.no_grad():
        for x in batches:
            net(x)
            images += x.shape[0]
    for h in hooks:
        h.remove()
    with torch.no_grad():
        for bn in norms:
            n, m1, m2 = sums[id(bn)]
            mean = m1 / n
            var = (m2 / n - mean * mean).clamp(min=1e-12)
            folded_bias = bn.bias.double().clone()
            bn.running_mean.copy_(mean.float())
            bn.running_var.copy_(var.float())
            bn.weight.copy_(torch.sqrt(var + bn.eps).float())
            bn.bias.copy_((mean + folded_bias).float())
    return images


class Features(nn.Module):
    """MobileNetV2's feature extractor: [N, 3, H, W] -> [N, 1280] (global average pooling, no classifier)."""

    def __init__(self, net):
        super().__init__()
        self.features = net.features
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return torch.flatten(self.pool(self.features(x)), 1)


def simulate_int8(graph, inits, x):
    """Runs the QLinear graph in float64 with explicit quantize/dequantize steps: ONNX's int8 semantics."""
    import torch.nn.functional as F

    def t(name):
        return torch.from_numpy(np.asarray(inits[name]).astype(np.float64))

    def bounds(zero_point_name):
        return (0, 255) if np.asarray(inits[zero_point_name]).dtype == np.uint8 else (-128, 127)

    def quantize(v, s, z, lo_hi):
        return torch.clamp(torch.round(v / s) + z, *lo_hi)

    def dequant(v, s, z):
        return (v - z) * s

    def attribute(node, name, default):
        for a in node.attribute:
            if a.name == name:
                return onnx.helper.get_attribute_value(a)
        return default

    env = {"input": x.double()}
    for n in graph.node:
        op, i = n.op_type, n.input
        if op == "QuantizeLinear":
            env[n.output[0]] = quantize(env[i[0]], t(i[1]), t(i[2]), bounds(i[2]))
        elif op == "QLinearConv":
            xs, ws = t(i[1]), t(i[4])
            w = dequant(t(i[3]), ws.view(-1, 1, 1, 1), t(i[5]).view(-1, 1, 1, 1))
            b = t(i[8]) * xs * ws if len(i) > 8 else None
            pads, strides = attribute(n, "pads", [0, 0, 0, 0]), attribute(n, "strides", [1, 1])
            y = F.conv2d(dequant(env[i[0]], xs, t(i[2])), w, b, stride=strides, padding=(pads[0], pads[1]),
                         groups=attribute(n, "group", 1))
            env[n.output[0]] = quantize(y, t(i[6]), t(i[7]), bounds(i[7]))
        elif op == "QLinearAdd":
            a = dequant(env[i[0]], t(i[1]), t(i[2]))
            b = dequant(env[i[3]] if i[3] in env else t(i[3]), t(i[4]), t(i[5]))
            env[n.output[0]] = quantize(a + b, t(i[6]), t(i[7]), bounds(i[7]))
        elif op == "QLinearGlobalAveragePool":
            a = dequant(env[i[0]], t(i[1]), t(i[2]))
            env[n.output[0]] = quantize(a.mean(dim=(2, 3), keepdim=True), t(i[3]), t(i[4]), bounds(i[4]))
        elif op == "Reshape":
            env[n.output[0]] = env[i[0]].reshape(env[i[0]].shape[0], -1)
        elif op == "QLinearMatMul":
            a = dequant(env[i[0]], t(i[1]), t(i[2]))
            w = dequant(t(i[3]), t(i[4]), t(i[5]))
            env[n.output[0]] = quantize(a @ w, t(i[6]), t(i[7]), bounds(i[7]))
        elif op == "DequantizeLinear":
            env[n.output[0]] = dequant(env[i[0]], t(i[1]), t(i[2]))
    return env["output"].float()


def check_inputs(folder, count):
    """Radiographs from ``folder`` (grey, 3 channels) or, without one, structured colour patterns."""
    if folder:
        return torch.cat(list(calibration_batches(folder, count, 224, 32, 1)))
    g = torch.Generator().manual_seed(3)
    low = torch.rand(count, 3, 7, 7, generator=g)
    x = torch.nn.functional.interpolate(low, size=(224, 224), mode="bicubic", align_corners=False).clamp(0, 1)
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (x - mean) / std


def write_check(folder, graph, inits, net, inputs):
    os.makedirs(folder, exist_ok=True)
    net.eval()
    with torch.no_grad():
        float_logits = net(inputs)
    int8_logits = simulate_int8(graph, inits, inputs)
    inputs.numpy().astype("<f4").tofile(os.path.join(folder, "inputs.f32"))
    float_logits.numpy().astype("<f4").tofile(os.path.join(folder, "float-logits.f32"))
    int8_logits.numpy().astype("<f4").tofile(os.path.join(folder, "int8-simulated-logits.f32"))
    agree = (float_logits.argmax(1) == int8_logits.argmax(1)).float().mean().item()
    with open(os.path.join(folder, "check.json"), "w") as f:
        json.dump({"count": inputs.shape[0], "shape": list(inputs.shape[1:]), "classes": float_logits.shape[1],
                   "floatVsSimulatedInt8Top1": agree}, f, indent=2)
    print(f"check data in {folder}: {inputs.shape[0]} inputs; float vs simulated-int8 top-1 agreement {100 * agree:.1f}%")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx", required=True, help="mobilenetv2-12-int8.onnx")
    ap.add_argument("--out", required=True, help="TorchScript feature extractor to write")
    ap.add_argument("--classifier-out", help="also write the whole TorchScript classifier (for the ONNX Runtime check)")
    ap.add_argument("--calibration-dir", help="folder of images to measure batch-norm statistics on")
    ap.add_argument("--calibration-count", type=int, default=256)
    ap.add_argument("--calibration-size", type=int, default=224)
    ap.add_argument("--calibration-ids", help="file of image ids (one per line, e.g. the training ids of a split): "
                                              "calibrate on those images only")
    ap.add_argument("--report", help="write the per-layer dequantization checks and calibration facts as JSON")
    ap.add_argument("--check-dir", help="write inputs and float / simulated-int8 logits for the ONNX Runtime check")
    ap.add_argument("--check-images", help="radiograph folder for the check inputs (default: colour patterns)")
    ap.add_argument("--check-count", type=int, default=64)
    args = ap.parse_args()

    torch.manual_seed(0)
    graph, inits = load_graph(args.onnx)
    net, norms, checks = convert(graph, inits)
    worst = max(c["maxAbsWeightError"] for c in checks)
    print(f"dequantized {len(checks)} convolutions ({sum(c['perChannel'] for c in checks)} per-channel) and the classifier; "
          f"largest |torch - dequantized| weight difference {worst:.2e}")
    if args.check_dir:
        # Before calibration, which changes the batch norms (not the eval-mode function, but keep the check plain).
        write_check(args.check_dir, graph, inits, net, check_inputs(args.check_images, args.check_count))
    calibrated = 0
    if args.calibration_dir:
        ids = None
        if args.calibration_ids:
            with open(args.calibration_ids) as f:
                ids = {line.strip() for line in f if line.strip() and not line.startswith("#")}
        calibrated = calibrate(net, norms, calibration_batches(args.calibration_dir, args.calibration_count,
                                                               args.calibration_size, 32, 0, ids))
        print(f"batch-norm statistics measured on {calibrated} images from {args.calibration_dir}")
    net.eval()
    features = torch.jit.script(Features(net).eval())
    features.save(args.out)
    print(f"wrote feature extractor {args.out} ({os.path.getsize(args.out)} bytes)")
    if args.classifier_out:
        classifier = torch.jit.script(net.eval())
        classifier.save(args.classifier_out)
        print(f"wrote classifier {args.classifier_out}")
    # Self-check: the exported module computes the same as the eager one.
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        diff = (features(x) - Features(net).eval()(x)).abs().max().item()
    print(f"scripted vs eager feature difference {diff:.2e}")
    if args.report:
        with open(args.report, "w") as f:
            json.dump({"layers": checks, "calibrationImages": calibrated, "scriptedVsEager": diff}, f, indent=2)


if __name__ == "__main__":
    main()
