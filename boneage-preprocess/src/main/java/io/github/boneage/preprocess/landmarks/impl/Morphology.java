package io.github.boneage.preprocess.landmarks.impl;

/** Binary morphology and distance transforms on row-major masks. */
final class Morphology {

    private Morphology() {
    }

    /** Erosion then dilation with a 3 x 3 square; pixels outside the image count as background. */
    static boolean[] open3x3(boolean[] mask, int w, int h) {
        return dilate3x3(erode3x3(mask, w, h), w, h);
    }

    static boolean[] erode3x3(boolean[] in, int w, int h) {
        boolean[] out = new boolean[in.length];
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int i = y * w + x;
                out[i] = in[i - w - 1] && in[i - w] && in[i - w + 1] && in[i - 1] && in[i] && in[i + 1]
                        && in[i + w - 1] && in[i + w] && in[i + w + 1];
            }
        }
        return out;
    }

    static boolean[] dilate3x3(boolean[] in, int w, int h) {
        boolean[] out = new boolean[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!in[y * w + x]) {
                    continue;
                }
                for (int dy = Math.max(0, y - 1); dy <= Math.min(h - 1, y + 1); dy++) {
                    for (int dx = Math.max(0, x - 1); dx <= Math.min(w - 1, x + 1); dx++) {
                        out[dy * w + dx] = true;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Chamfer (3, 4) distance of every mask pixel to the nearest background pixel (pixels outside the image count as
     * background), in units of 1/3 pixel.
     */
    static int[] chamferDistance(boolean[] mask, int w, int h) {
        int big = Integer.MAX_VALUE / 4;
        int[] d = new int[mask.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (!mask[i]) {
                    d[i] = 0;
                    continue;
                }
                int v = big;
                v = Math.min(v, x > 0 ? d[i - 1] + 3 : 3);
                v = Math.min(v, y > 0 ? d[i - w] + 3 : 3);
                v = Math.min(v, x > 0 && y > 0 ? d[i - w - 1] + 4 : 4);
                v = Math.min(v, x < w - 1 && y > 0 ? d[i - w + 1] + 4 : 4);
                d[i] = v;
            }
        }
        for (int y = h - 1; y >= 0; y--) {
            for (int x = w - 1; x >= 0; x--) {
                int i = y * w + x;
                if (d[i] == 0) {
                    continue;
                }
                int v = d[i];
                v = Math.min(v, x < w - 1 ? d[i + 1] + 3 : 3);
                v = Math.min(v, y < h - 1 ? d[i + w] + 3 : 3);
                v = Math.min(v, x < w - 1 && y < h - 1 ? d[i + w + 1] + 4 : 4);
                v = Math.min(v, x > 0 && y < h - 1 ? d[i + w - 1] + 4 : 4);
                d[i] = v;
            }
        }
        return d;
    }
}
