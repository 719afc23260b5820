#!/usr/bin/python3
"""Training throughput of plain PyTorch, the reference for boneage's Java trainer benchmark.

Trains the same network the Java benchmark trains -- a TorchScript backbone file (or a torchvision architecture
built from scratch) with a linear regression head on its pooled features -- on pre-built random tensors, and
prints per-iteration seconds and images per second (median and fastest iteration) as one JSON line. Uses Debian's python3-torch (run with /usr/bin/python3).

    /usr/bin/python3 tools/bench_train.py --backbone mobilenetv2-imagenet-int8.pt --size 160 --batch 32 \\
        --steps 20 --warmup 3 --threads 2 --optimizer adamw
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torchvision


class Regressor(nn.Module):
    def __init__(self, backbone, features):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(features, 1)

    def forward(self, x):
        return self.head(torch.flatten(self.backbone(x), 1))


def build(args):
    if args.backbone.endswith(".pt"):
        backbone = torch.jit.load(args.backbone)
    else:
        net = getattr(torchvision.models, args.backbone)(weights=None)
        if hasattr(net, "fc"):
            net.fc = nn.Identity()
        else:
            net.classifier = nn.Identity()
        backbone = net
    backbone.train()
    with torch.no_grad():
        features = torch.flatten(backbone(torch.zeros(2, args.channels, args.size, args.size)), 1).shape[1]
    return Regressor(backbone, features)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backbone", required=True, help="TorchScript .pt file, or a torchvision name (resnet18, ...)")
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--optimizer", choices=["sgd", "adamw"], default="adamw")
    ap.add_argument("--channels-last", action="store_true",
                    help="feed the batch in channels-last memory order (measured, not used by boneage's trainer: docs/benchmarks.md)")
    ap.add_argument("--no-graph-optimize", action="store_true",
                    help="run TorchScript without the profiling graph executor's optimizations, as boneage's trainer does")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    if args.no_graph_optimize:
        torch._C._set_graph_executor_optimize(False)
    torch.manual_seed(0)
    model = build(args)
    model.train()
    params = [{"params": model.backbone.parameters(), "lr": 1e-4}, {"params": model.head.parameters(), "lr": 1e-3}]
    opt = torch.optim.AdamW(params, weight_decay=1e-4) if args.optimizer == "adamw" else \
        torch.optim.SGD(params, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(args.batch, args.channels, args.size, args.size)
    if args.channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    y = torch.randn(args.batch, 1)
    loss_fn = nn.L1Loss()
    seconds = []
    for step in range(args.warmup + args.steps):
        start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if step >= args.warmup:
            seconds.append(time.perf_counter() - start)
    ordered = sorted(seconds)
    print(json.dumps({"engine": "pytorch " + torch.__version__, "threads": torch.get_num_threads(),
                      "backbone": args.backbone, "size": args.size, "batch": args.batch, "steps": args.steps,
                      "imagesPerSecondMedian": args.batch / ordered[len(ordered) // 2],
                      "imagesPerSecondBest": args.batch / ordered[0], "stepSeconds": seconds}))


if __name__ == "__main__":
    main()
