package io.github.boneage.djl.landmarks.impl;

import io.github.boneage.djl.landmarks.LandmarkNetSpec;

/**
 * Heatmap targets for training and peak decoding for detection. A point at network-input position {@code (x, y)}
 * sits at heatmap position {@code (x / stride - 0.5, y / stride - 0.5)} in cell-centre coordinates.
 */
public final class Heatmaps {

    private Heatmaps() {
    }

    /**
     * Writes a Gaussian of peak 1 centred on a point into one heatmap (values below 1e-3 of the peak left at 0).
     *
     * @param map    the heatmaps
     * @param offset where this heatmap starts in {@code map}
     * @param size  heatmap side
     * @param x     point x in network-input pixels
     * @param y     point y in network-input pixels
     * @param sigma Gaussian standard deviation in heatmap cells
     */
    public static void gaussian(float[] map, int offset, int size, double x, double y, double sigma) {
        double cx = x / LandmarkNetSpec.STRIDE - 0.5;
        double cy = y / LandmarkNetSpec.STRIDE - 0.5;
        double r = 3.7 * sigma;
        int x0 = Math.max(0, (int) Math.floor(cx - r));
        int x1 = Math.min(size - 1, (int) Math.ceil(cx + r));
        int y0 = Math.max(0, (int) Math.floor(cy - r));
        int y1 = Math.min(size - 1, (int) Math.ceil(cy + r));
        double k = -1 / (2 * sigma * sigma);
        for (int j = y0; j <= y1; j++) {
            for (int i = x0; i <= x1; i++) {
                double d2 = (i - cx) * (i - cx) + (j - cy) * (j - cy);
                map[offset + j * size + i] = (float) Math.exp(k * d2);
            }
        }
    }

    /**
     * A decoded peak.
     *
     * @param x     network-input x
     * @param y     network-input y
     * @param value the heatmap's value at the peak cell (the point's raw confidence)
     */
    public record Peak(double x, double y, double value) {
    }

    /**
     * Finds the maximum of one heatmap and refines it to sub-cell precision by fitting a parabola to the logarithm of
     * the values either side of it on each axis (exact for a Gaussian peak).
     *
     * @param map    the heatmaps
     * @param offset where this heatmap starts in {@code map}
     * @param size   heatmap side
     * @return the peak in network-input pixels
     */
    public static Peak peak(float[] map, int offset, int size) {
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < size * size; i++) {
            if (map[offset + i] > max) {
                max = map[offset + i];
                best = i;
            }
        }
        int bx = best % size;
        int by = best / size;
        double dx = bx > 0 && bx < size - 1 ? refine(map[offset + best - 1], max, map[offset + best + 1]) : 0;
        double dy = by > 0 && by < size - 1 ? refine(map[offset + best - size], max, map[offset + best + size]) : 0;
        return new Peak((bx + dx + 0.5) * LandmarkNetSpec.STRIDE, (by + dy + 0.5) * LandmarkNetSpec.STRIDE, max);
    }

    /**
     * The strongest value of one heatmap at least {@code minDistance} cells from a given cell: a second hand shows up
     * as a second peak of the same point.
     *
     * @param map         the heatmaps
     * @param offset      where this heatmap starts
     * @param size        heatmap side
     * @param x           network-input x of the first peak
     * @param y           network-input y of the first peak
     * @param minDistance distance in cells
     * @return the largest value that far from the first peak, or 0 when none
     */
    public static float secondPeak(float[] map, int offset, int size, double x, double y, double minDistance) {
        double cx = x / LandmarkNetSpec.STRIDE - 0.5;
        double cy = y / LandmarkNetSpec.STRIDE - 0.5;
        float best = 0;
        for (int j = 0; j < size; j++) {
            for (int i = 0; i < size; i++) {
                if ((i - cx) * (i - cx) + (j - cy) * (j - cy) >= minDistance * minDistance) {
                    best = Math.max(best, map[offset + j * size + i]);
                }
            }
        }
        return best;
    }

    /**
     * Reads one map bilinearly between cell centres (the hand mask, which is smooth, unlike a point's peak); positions
     * beyond the outer cell centres take the edge cells' values, positions more than half a cell outside the map read
     * 0 (the network saw nothing there).
     *
     * @param map    the maps
     * @param offset where this map starts in {@code map}
     * @param size   map side
     * @param u      column in cell-centre coordinates
     * @param v      row in cell-centre coordinates
     * @return the interpolated value
     */
    public static double bilinear(float[] map, int offset, int size, double u, double v) {
        if (!(u >= -0.5 && v >= -0.5 && u <= size - 0.5 && v <= size - 0.5)) {
            return 0;
        }
        double cu = Math.max(0, Math.min(size - 1, u));
        double cv = Math.max(0, Math.min(size - 1, v));
        int i0 = Math.min(size - 2, (int) Math.floor(cu));
        int j0 = Math.min(size - 2, (int) Math.floor(cv));
        double fu = cu - i0;
        double fv = cv - j0;
        int at = offset + j0 * size + i0;
        return (map[at] * (1 - fu) + map[at + 1] * fu) * (1 - fv) + (map[at + size] * (1 - fu) + map[at + size + 1] * fu) * fv;
    }

    private static double refine(float left, float centre, float right) {
        double eps = 1e-4;
        double l = Math.log(Math.max(left, eps));
        double c = Math.log(Math.max(centre, eps));
        double r = Math.log(Math.max(right, eps));
        double denom = l - 2 * c + r;
        if (!(denom < -1e-9)) {
            return 0;
        }
        double d = 0.5 * (l - r) / denom;
        return Math.max(-0.5, Math.min(0.5, d));
    }
}
