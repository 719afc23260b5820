package io.github.boneage.clinical.impl;

/**
 * A separable box blur over unsigned samples, edges repeated. Two passes approximate a Gaussian well enough for an
 * occlusion fill, whose job is only to remove fine structure (epiphyseal lines, carpal outlines) while keeping the
 * local brightness.
 */
public final class BoxBlur {

    private BoxBlur() {
    }

    /**
     * @param src    samples as unsigned ints, row-major
     * @param width  image width
     * @param height image height
     * @param radius box radius in pixels (window {@code 2·radius+1}), at least 1
     * @param passes how many times to apply the box (2 or 3 look Gaussian)
     * @return the blurred samples, rounded
     */
    public static int[] blur(int[] src, int width, int height, int radius, int passes) {
        if (radius < 1 || passes < 1) {
            throw new IllegalArgumentException("blur radius and passes must be >= 1, got " + radius + ", " + passes);
        }
        double[] a = new double[src.length];
        for (int i = 0; i < src.length; i++) {
            a[i] = src[i];
        }
        double[] b = new double[src.length];
        for (int p = 0; p < passes; p++) {
            horizontal(a, b, width, height, radius);
            vertical(b, a, width, height, radius);
        }
        int[] out = new int[src.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) Math.round(a[i]);
        }
        return out;
    }

    private static void horizontal(double[] src, double[] dst, int width, int height, int r) {
        double norm = 1.0 / (2 * r + 1);
        for (int y = 0; y < height; y++) {
            int row = y * width;
            double sum = 0;
            for (int k = -r; k <= r; k++) {
                sum += src[row + clamp(k, width)];
            }
            for (int x = 0; x < width; x++) {
                dst[row + x] = sum * norm;
                sum += src[row + clamp(x + r + 1, width)] - src[row + clamp(x - r, width)];
            }
        }
    }

    private static void vertical(double[] src, double[] dst, int width, int height, int r) {
        double norm = 1.0 / (2 * r + 1);
        for (int x = 0; x < width; x++) {
            double sum = 0;
            for (int k = -r; k <= r; k++) {
                sum += src[clamp(k, height) * width + x];
            }
            for (int y = 0; y < height; y++) {
                dst[y * width + x] = sum * norm;
                sum += src[clamp(y + r + 1, height) * width + x] - src[clamp(y - r, height) * width + x];
            }
        }
    }

    private static int clamp(int i, int size) {
        return i < 0 ? 0 : i >= size ? size - 1 : i;
    }
}
