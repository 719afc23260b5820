package io.github.boneage.preprocess.geometry;

/**
 * The weights that resample one axis: destination index d reads {@code count[d]} consecutive source indices starting
 * at {@code first[d]}, with weights {@code weights[offset[d] ..]}. Computed once per size pair, in double precision,
 * stored in single precision.
 */
final class AxisKernel {

    /** Overlaps shorter than this (in source pixels) are rounding noise of the interval ends, not real coverage. */
    private static final double MIN_OVERLAP = 1e-9;

    final int srcLength;
    final int dstLength;
    final int[] first;
    final int[] count;
    final int[] offset;
    final float[] weights;

    private AxisKernel(int srcLength, int dstLength, int[] first, int[] count, int[] offset, float[] weights) {
        this.srcLength = srcLength;
        this.dstLength = dstLength;
        this.first = first;
        this.count = count;
        this.offset = offset;
        this.weights = weights;
    }

    /** @return identity when the lengths match, bilinear when enlarging, area averaging when shrinking */
    static AxisKernel create(int srcLength, int dstLength) {
        if (srcLength < 1 || dstLength < 1) {
            throw new IllegalArgumentException("lengths must be positive, got " + srcLength + " -> " + dstLength);
        }
        if (srcLength == dstLength) {
            return identity(srcLength);
        }
        return dstLength > srcLength ? bilinear(srcLength, dstLength) : area(srcLength, dstLength);
    }

    private static AxisKernel identity(int length) {
        int[] first = new int[length];
        int[] count = new int[length];
        int[] offset = new int[length];
        float[] weights = new float[length];
        for (int d = 0; d < length; d++) {
            first[d] = d;
            count[d] = 1;
            offset[d] = d;
            weights[d] = 1f;
        }
        return new AxisKernel(length, length, first, count, offset, weights);
    }

    /**
     * OpenCV's {@code INTER_LINEAR} convention: destination pixel centre d + 0.5 maps to source coordinate
     * {@code (d + 0.5) * src/dst - 0.5}; the two neighbouring source pixels are blended by distance, and positions
     * before the first or after the last source centre take the edge pixel.
     */
    private static AxisKernel bilinear(int srcLength, int dstLength) {
        double scale = (double) srcLength / dstLength;
        int[] first = new int[dstLength];
        int[] count = new int[dstLength];
        int[] offset = new int[dstLength];
        float[] weights = new float[2 * dstLength];
        int w = 0;
        for (int d = 0; d < dstLength; d++) {
            double position = (d + 0.5) * scale - 0.5;
            int left = (int) Math.floor(position);
            double fraction = position - left;
            offset[d] = w;
            if (left < 0) {
                first[d] = 0;
                count[d] = 1;
                weights[w++] = 1f;
            } else if (left >= srcLength - 1) {
                first[d] = srcLength - 1;
                count[d] = 1;
                weights[w++] = 1f;
            } else {
                first[d] = left;
                count[d] = 2;
                weights[w++] = (float) (1 - fraction);
                weights[w++] = (float) fraction;
            }
        }
        return new AxisKernel(srcLength, dstLength, first, count, offset, java.util.Arrays.copyOf(weights, w));
    }

    /**
     * OpenCV's {@code INTER_AREA} convention when shrinking: destination pixel d covers the source interval
     * {@code [d * s, (d + 1) * s)} with s = src/dst, and each source pixel i weighs the length of its overlap with that
     * interval divided by s.
     */
    private static AxisKernel area(int srcLength, int dstLength) {
        double scale = (double) srcLength / dstLength;
        int[] first = new int[dstLength];
        int[] count = new int[dstLength];
        int[] offset = new int[dstLength];
        int maxTaps = (int) Math.ceil(scale) + 2;
        float[] weights = new float[dstLength * maxTaps];
        int w = 0;
        for (int d = 0; d < dstLength; d++) {
            double start = d * scale;
            double end = Math.min((d + 1) * scale, srcLength);
            int i0 = (int) Math.floor(start);
            int i1 = Math.min((int) Math.ceil(end), srcLength);
            offset[d] = w;
            int firstIndex = -1;
            int n = 0;
            for (int i = i0; i < i1; i++) {
                double overlap = Math.min(i + 1, end) - Math.max(i, start);
                if (overlap <= MIN_OVERLAP) {
                    if (firstIndex < 0) {
                        continue;
                    }
                    break;
                }
                if (firstIndex < 0) {
                    firstIndex = i;
                }
                weights[w++] = (float) (overlap / scale);
                n++;
            }
            first[d] = firstIndex;
            count[d] = n;
        }
        return new AxisKernel(srcLength, dstLength, first, count, offset, java.util.Arrays.copyOf(weights, w));
    }
}
