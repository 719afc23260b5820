package io.github.boneage.pipeline.impl;

import io.github.boneage.core.image.GreyImage;

/**
 * A linear grey-level stretch that maps an image's 1st percentile to 0 and its 99th to 1, so that checks on
 * radiographs of any bit depth, exposure or window compare on one scale.
 *
 * @param low   the grey level mapped to 0
 * @param range the grey levels between the 1st and 99th percentile (at least 1)
 */
public record GreyStretch(int low, double range) {

    /**
     * @param image any grey image
     * @return its 1st..99th percentile stretch
     */
    public static GreyStretch of(GreyImage image) {
        return of(histogram(image, 0, 0, image.width(), image.height()), (long) image.width() * image.height());
    }

    /**
     * @param histogram the count of each grey level of an image
     * @param total     its number of pixels
     * @return its 1st..99th percentile stretch
     */
    static GreyStretch of(int[] histogram, long total) {
        int lo = percentile(histogram, total, 0.01);
        int hi = percentile(histogram, total, 0.99);
        return new GreyStretch(lo, Math.max(1, hi - lo));
    }

    /**
     * @param value a grey level of the image
     * @return it on the stretched scale, not clipped
     */
    public double apply(double value) {
        return (value - low) / range;
    }

    /**
     * @param image any grey image
     * @param x0    the rectangle's first column
     * @param y0    its first row
     * @param x1    one past its last column
     * @param y1    one past its last row
     * @return the count of each grey level of the image inside the rectangle
     */
    static int[] histogram(GreyImage image, int x0, int y0, int x1, int y1) {
        int[] histogram = new int[image.maxValue() + 1];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                histogram[image.get(x, y)]++;
            }
        }
        return histogram;
    }

    /** @return the smallest value with at least {@code fraction} of the samples at or below it */
    static int percentile(int[] histogram, long total, double fraction) {
        long need = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int v = 0; v < histogram.length; v++) {
            seen += histogram[v];
            if (seen >= need) {
                return v;
            }
        }
        return histogram.length - 1;
    }
}
