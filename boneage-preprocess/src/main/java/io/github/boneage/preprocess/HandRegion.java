package io.github.boneage.preprocess;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;

/**
 * Finds the whole hand without fingertip landmarks: the bounding box of the largest bright connected region. This is
 * the ROI3 fallback when the landmarks carry no fingertips, or when there are no landmarks at all.
 *
 * <p>Steps: the image is reduced by an integer factor f (the smallest that brings its longer side to at most
 * {@value #ANALYSIS_SIDE} pixels) by averaging f x f blocks; an Otsu threshold on the reduced image's 256-level
 * histogram (16-bit images use their top 8 bits) separates bright (hand, above the threshold) from dark; the largest
 * 4-connected bright region wins; its box is scaled back by f, covering every original pixel of its blocks. When
 * nothing is brighter than the threshold (a constant image) the whole image is returned. Deterministic; thread-safe.
 */
public final class HandRegion {

    /** The longest side of the reduced image the mask is computed on. */
    public static final int ANALYSIS_SIDE = 512;

    private HandRegion() {
    }

    /**
     * @param image a hand radiograph, bright hand on a dark background
     * @return the box of the largest bright region, in the image's pixel coordinates
     */
    public static Roi find(GreyImage image) {
        int factor = Math.max(1, (Math.max(image.width(), image.height()) + ANALYSIS_SIDE - 1) / ANALYSIS_SIDE);
        int w = (image.width() + factor - 1) / factor;
        int h = (image.height() + factor - 1) / factor;
        int[] reduced = reduce(image, factor, w, h);
        int[] histogram = new int[256];
        for (int v : reduced) {
            histogram[v]++;
        }
        int threshold = otsuThreshold(histogram);
        int[] box = largestComponentBox(reduced, w, h, threshold);
        if (box == null) {
            return Roi.whole(image.width(), image.height());
        }
        int x0 = box[0] * factor;
        int y0 = box[1] * factor;
        int x1 = Math.min(image.width(), (box[2] + 1) * factor);
        int y1 = Math.min(image.height(), (box[3] + 1) * factor);
        return new Roi(x0, y0, x1 - x0, y1 - y0);
    }

    /**
     * @param image     a hand radiograph
     * @param landmarks the hand's landmarks, or {@code null}
     * @return the hand box of {@link #find(GreyImage)}, grown to include the landmarks' ROI1 box when landmarks exist
     */
    public static Roi find(GreyImage image, HandLandmarks landmarks) {
        Roi mask = find(image);
        if (landmarks == null) {
            return mask;
        }
        Roi pts = RoiScheme.ROI1.region(image.width(), image.height(), landmarks);
        int x0 = Math.min(mask.x(), pts.x());
        int y0 = Math.min(mask.y(), pts.y());
        int x1 = Math.max(mask.maxX(), pts.maxX());
        int y1 = Math.max(mask.maxY(), pts.maxY());
        return new Roi(x0, y0, x1 - x0, y1 - y0);
    }

    /** Block means on an 8-bit scale; partial blocks at the right and bottom average the pixels they have. */
    private static int[] reduce(GreyImage image, int factor, int w, int h) {
        int shift = Math.max(0, image.bitDepth() - 8);
        int scaleUp = image.bitDepth() < 8 ? 8 - image.bitDepth() : 0;
        long[] sums = new long[w * h];
        int[] counts = new int[w * h];
        int width = image.width();
        int[] row = new int[width];
        for (int y = 0; y < image.height(); y++) {
            readRow(image, y, row);
            int base = (y / factor) * w;
            for (int x = 0; x < width; x++) {
                sums[base + x / factor] += row[x];
                counts[base + x / factor]++;
            }
        }
        int[] out = new int[w * h];
        for (int i = 0; i < out.length; i++) {
            int mean = (int) (sums[i] / counts[i]);
            out[i] = Math.min(255, (mean >> shift) << scaleUp);
        }
        return out;
    }

    private static void readRow(GreyImage image, int y, int[] row) {
        int offset = y * image.width();
        if (image instanceof GreyImage8 g8) {
            byte[] data = g8.data();
            for (int x = 0; x < row.length; x++) {
                row[x] = data[offset + x] & 0xFF;
            }
        } else {
            short[] data = ((GreyImage16) image).data();
            for (int x = 0; x < row.length; x++) {
                row[x] = data[offset + x] & 0xFFFF;
            }
        }
    }

    /**
     * Otsu's threshold: the level t maximising the between-class variance of {@code <= t} versus {@code > t}; the
     * first such level on ties.
     *
     * @param histogram 256 counts
     * @return the threshold; samples above it are foreground
     */
    static int otsuThreshold(int[] histogram) {
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

    /** @return {minX, minY, maxX, maxY} (inclusive) of the largest 4-connected region above the threshold, or null */
    private static int[] largestComponentBox(int[] values, int w, int h, int threshold) {
        boolean[] visited = new boolean[values.length];
        int[] queue = new int[values.length];
        int bestSize = 0;
        int[] best = null;
        for (int start = 0; start < values.length; start++) {
            if (visited[start] || values[start] <= threshold) {
                continue;
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            visited[start] = true;
            int minX = Integer.MAX_VALUE;
            int minY = Integer.MAX_VALUE;
            int maxX = -1;
            int maxY = -1;
            while (head < tail) {
                int p = queue[head++];
                int x = p % w;
                int y = p / w;
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
                if (x > 0) {
                    tail = visit(values, visited, queue, tail, p - 1, threshold);
                }
                if (x < w - 1) {
                    tail = visit(values, visited, queue, tail, p + 1, threshold);
                }
                if (y > 0) {
                    tail = visit(values, visited, queue, tail, p - w, threshold);
                }
                if (y < h - 1) {
                    tail = visit(values, visited, queue, tail, p + w, threshold);
                }
            }
            if (tail > bestSize) {
                bestSize = tail;
                best = new int[] {minX, minY, maxX, maxY};
            }
        }
        return best;
    }

    private static int visit(int[] values, boolean[] visited, int[] queue, int tail, int q, int threshold) {
        if (!visited[q] && values[q] > threshold) {
            visited[q] = true;
            queue[tail++] = q;
        }
        return tail;
    }
}
