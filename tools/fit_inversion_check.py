#!/usr/bin/env python3
"""Fits the coefficients of boneage-pipeline's InversionCheck (a two-feature logistic score) on real radiographs.

Features, on the image stretched so its 1st percentile is 0 and its 99th is 1 (clipped):
  border  = mean of the border band: the top and bottom 10% of rows and the left and right 10% of columns, each
            taken whole (corner pixels count twice, as in InversionCheck.java)
  contrast = border - mean of the central half (rows and columns 1/4..3/4)
Each training image is used as it is (label 0) and inverted (label 1). Training images are 1,500 rsna-299 images
NOT among the default model's held-out ids; the held-out ids and rsna-halfres are only used to report accuracy here
(the Java data test PipelineRealDataTest measures the shipped check end to end).

Usage: /usr/bin/python3 tools/fit_inversion_check.py [../shared]
Prints the intercept and weights to copy into InversionCheck.java, and accuracy / uncertain fractions per margin.
"""
import os
import random
import sys

import numpy as np
from PIL import Image

SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared")
RSNA = os.path.join(SHARED, "data", "rsna-299", "images")
HALF = os.path.join(SHARED, "data", "rsna-halfres", "images")
HELD_OUT = os.path.join(os.path.dirname(__file__), "..", "models", "default", "held-out-ids.txt")


def features(a):
    a = a.astype(np.float64)
    h, w = a.shape
    lo, hi = np.percentile(a, 1), np.percentile(a, 99)
    n = (np.clip(a, lo, hi) - lo) / max(1.0, hi - lo)
    bh, bw = max(1, int(h * 0.1)), max(1, int(w * 0.1))
    band = np.concatenate([n[:bh].ravel(), n[-bh:].ravel(), n[:, :bw].ravel(), n[:, -bw:].ravel()])
    centre = n[h // 4:3 * h // 4, w // 4:3 * w // 4]
    return [band.mean(), band.mean() - centre.mean()]


def load(path):
    a = np.array(Image.open(path))
    return a[..., :3].mean(axis=2) if a.ndim == 3 else a


def dataset(folder, names):
    x, y = [], []
    for name in names:
        a = load(os.path.join(folder, name))
        top = 255 if a.max() <= 255 else 65535
        x.append(features(a))
        y.append(0)
        x.append(features(top - a))
        y.append(1)
    return np.array(x), np.array(y)


def fit(x, y, l2=1e-3, steps=3000, rate=5.0):
    x1 = np.c_[np.ones(len(x)), x]
    w = np.zeros(x1.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x1 @ w))
        w -= rate * (x1.T @ (p - y) / len(y) + l2 * np.r_[0, w[1:]])
    return w


def main():
    held = set(open(HELD_OUT).read().split())
    names = sorted(os.listdir(RSNA))
    train = [f for f in names if f.split(".")[0] not in held]
    random.Random(1).shuffle(train)
    x, y = dataset(RSNA, train[:1500])
    w = fit(x, y)
    print("INTERCEPT = %.4f, BORDER_WEIGHT = %.4f, CONTRAST_WEIGHT = %.4f" % tuple(w))
    for label, folder, files in [("held-out rsna-299", RSNA, [f for f in names if f.split(".")[0] in held]),
                                 ("rsna-halfres", HALF, sorted(os.listdir(HALF)))]:
        xt, yt = dataset(folder, files)
        s = np.c_[np.ones(len(xt)), xt] @ w
        for margin in (0, 0.5, 1.0, 1.5):
            sure = np.abs(s) >= margin
            print("%s margin %.1f: uncertain %.2f%%, wrong among decided %d of %d"
                  % (label, margin, 100 * (1 - sure.mean()), np.sum(((s > 0) != yt) & sure), len(yt)))


if __name__ == "__main__":
    main()
