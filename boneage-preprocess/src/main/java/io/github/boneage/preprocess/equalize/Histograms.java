package io.github.boneage.preprocess.equalize;

import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;

/** Full-depth grey-level histograms over a rectangle of an image, without copying the rectangle. */
public final class Histograms {

    private Histograms() {
    }

    /**
     * @param image  the image
     * @param region the rectangle to count (must lie inside the image)
     * @return {@code 1 << bitDepth} counts: entry v is the number of samples equal to v
     * @throws IllegalArgumentException if the region is outside the image, or a 16-bit sample exceeds the image's
     *                                  bit depth
     */
    public static int[] of(GreyImage image, Roi region) {
        if (!region.fitsIn(image.width(), image.height())) {
            throw new IllegalArgumentException("region " + region + " is outside the " + image.width() + "x" + image.height() + " image");
        }
        if (image instanceof GreyImage8 g8) {
            return of8(g8.data(), g8.width(), region);
        }
        GreyImage16 g16 = (GreyImage16) image;
        return of16(g16.data(), g16.width(), g16.bitDepth(), region);
    }

    /**
     * @param image the image, 8 or 16 bits
     * @return the histogram of the whole image (see {@link #of(GreyImage, Roi)})
     */
    public static int[] of(GreyImage image) {
        return of(image, Roi.whole(image.width(), image.height()));
    }

    private static int[] of8(byte[] data, int stride, Roi r) {
        // Four interleaved sub-histograms break the store-to-load dependency between equal neighbouring samples,
        // which are the common case in radiographs (flat background).
        int[] h0 = new int[256];
        int[] h1 = new int[256];
        int[] h2 = new int[256];
        int[] h3 = new int[256];
        for (int y = r.y(); y < r.maxY(); y++) {
            int i = y * stride + r.x();
            int end = i + r.width();
            for (; i + 3 < end; i += 4) {
                h0[data[i] & 0xFF]++;
                h1[data[i + 1] & 0xFF]++;
                h2[data[i + 2] & 0xFF]++;
                h3[data[i + 3] & 0xFF]++;
            }
            for (; i < end; i++) {
                h0[data[i] & 0xFF]++;
            }
        }
        for (int v = 0; v < 256; v++) {
            h0[v] += h1[v] + h2[v] + h3[v];
        }
        return h0;
    }

    private static int[] of16(short[] data, int stride, int bitDepth, Roi r) {
        int[] full = new int[65536];
        for (int y = r.y(); y < r.maxY(); y++) {
            int i = y * stride + r.x();
            int end = i + r.width();
            for (; i < end; i++) {
                full[data[i] & 0xFFFF]++;
            }
        }
        int bins = 1 << bitDepth;
        for (int v = bins; v < full.length; v++) {
            if (full[v] != 0) {
                throw new IllegalArgumentException("sample value " + v + " does not fit a " + bitDepth + "-bit image (max "
                        + (bins - 1) + ")");
            }
        }
        return bins == full.length ? full : java.util.Arrays.copyOf(full, bins);
    }

    /**
     * Checks every sample of a 16-bit image fits its bit depth.
     *
     * @param image the image
     * @throws IllegalArgumentException naming the first offending value
     */
    public static void requireInRange(GreyImage16 image) {
        int max = image.maxValue();
        if (max == 0xFFFF) {
            return;
        }
        for (short s : image.data()) {
            if ((s & 0xFFFF) > max) {
                throw new IllegalArgumentException("sample value " + (s & 0xFFFF) + " does not fit a " + image.bitDepth()
                        + "-bit image (max " + max + ")");
            }
        }
    }

    /**
     * Otsu's threshold: the level t maximising the between-class variance of {@code <= t} versus {@code > t}; the
     * first such level on ties. Shared by the hand mask of ROI3 and the landmark detector's segmentation.
     *
     * @param histogram counts per grey level
     * @return the threshold; samples above it are foreground
     */
    public static int otsuThreshold(int[] histogram) {
        long total = 0;
        double sumAll = 0;
        for (int v = 0; v < histogram.length; v++) {
            total += histogram[v];
            sumAll += (double) v * histogram[v];
        }
        long below = 0;
        double sumBelow = 0;
        double best = -1;
        int threshold = 0;
        for (int t = 0; t < histogram.length - 1; t++) {
            below += histogram[t];
            sumBelow += (double) t * histogram[t];
            long above = total - below;
            if (below == 0 || above == 0) {
                continue;
            }
            double meanBelow = sumBelow / below;
            double meanAbove = (sumAll - sumBelow) / above;
            double between = (double) below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best) {
                best = between;
                threshold = t;
            }
        }
        return threshold;
    }
}
