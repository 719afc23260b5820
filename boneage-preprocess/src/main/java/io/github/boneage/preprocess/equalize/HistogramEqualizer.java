package io.github.boneage.preprocess.equalize;

/**
 * Classic cumulative-histogram equalization with the exact semantics of OpenCV's {@code equalizeHist} (method
 * {@code histeq}), extended to {@code 2^b} levels for b-bit images.
 *
 * <p>With L = {@code 2^b} levels, histogram h and the first non-empty level i: if every sample equals i the image is
 * left unchanged. Otherwise, in single precision as OpenCV computes it, {@code scale = (L - 1) / (total - h[i])},
 * level i maps to 0 and each later level v maps to {@code round(scale * (h[i+1] + ... + h[v]))}, rounding half to
 * even and saturating to {@code [0, L-1]}. Levels below i do not occur. The result is byte-identical to OpenCV for
 * 8-bit images (checked in the tests against the OpenCV Java binding).
 */
public final class HistogramEqualizer extends LookupTableEqualizer {

    /** The method name. */
    public static final String NAME = "histeq";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int[] lookupTable(int[] histogram, int bitDepth) {
        requireBins(histogram, bitDepth);
        int levels = histogram.length;
        int[] lut = new int[levels];
        long totalLong = 0;
        for (int count : histogram) {
            totalLong += count;
        }
        if (totalLong == 0 || totalLong > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("histogram total must be in 1.." + Integer.MAX_VALUE + ", got " + totalLong);
        }
        int total = (int) totalLong;
        int first = 0;
        while (histogram[first] == 0) {
            first++;
        }
        if (histogram[first] == total) {
            for (int v = 0; v < levels; v++) {
                lut[v] = v;
            }
            return lut;
        }
        // Single precision on purpose: OpenCV computes the scale and each product in float, and rounding differs
        // from double for some histograms.
        float scale = (levels - 1f) / (total - histogram[first]);
        int max = levels - 1;
        int sum = 0;
        for (int v = first + 1; v < levels; v++) {
            sum += histogram[v];
            int mapped = (int) Math.rint(sum * scale);
            lut[v] = Math.min(max, Math.max(0, mapped));
        }
        return lut;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
