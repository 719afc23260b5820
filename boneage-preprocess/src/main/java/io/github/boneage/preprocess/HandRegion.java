package io.github.boneage.preprocess;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.preprocess.equalize.Histograms;

/**
 * Finds the whole hand without fingertip landmarks: the bounding box of the largest bright region. This is the ROI3
 * fallback when the landmarks carry no fingertips, or when there are no landmarks at all.
 *
 * <p>Steps, on an image reduced by the smallest integer factor f that brings its longer side to at most
 * {@value #ANALYSIS_SIDE} pixels (means of f x f blocks, on an 8-bit scale; 16-bit images use their top 8 bits):
 * <ol>
 *   <li>A band of {@value #BORDER_PERCENT}% of the shorter side along the image border is ignored, which removes film
 *       borders and frame lines; a region reaching that band is extended to the image edge.</li>
 *   <li>Otsu's threshold {@code t} on the 256-level histogram separates bright (bone, dense tissue) from dark; the
 *       mean of the dark class is the background level {@code b}.</li>
 *   <li>The mask is every pixel above {@code b + (t - b) / 4}, low enough to keep the thin soft tissue of the
 *       fingers; a 3 x 3 opening (erosion then dilation) cuts thin bright lines such as film borders.</li>
 *   <li>The hand is the largest 4-connected region of the mask that contains a pixel above {@code t} (hysteresis:
 *       faint regions count only when attached to bright ones).</li>
 *   <li>If that region spans at least {@value #FIELD_SPAN_PERCENT}% of both the inner width and height, it is taken
 *       to be a collimated exposure field rather than a hand, and steps 2-4 are repeated on the pixels inside it;
 *       the result is kept when it is smaller.</li>
 * </ol>
 * The region's box is scaled back by f, covering every original pixel of its blocks. When nothing is brighter than
 * the background (a constant image) the whole image is returned. Deterministic; thread-safe.
 */
public final class HandRegion {

    /** The longest side of the reduced image the mask is computed on. */
    public static final int ANALYSIS_SIDE = 512;
    /** Share of the brightest pixels folded into one level before Otsu's threshold (lead markers, labels). */
    public static final int CLIP_PERCENT = 2;
    /** Width of the border band ignored by the mask, in percent of the shorter side: film borders and labels. */
    public static final int BORDER_PERCENT = 2;
    /** A region spanning this much of both image dimensions is treated as an exposure field, not a hand. */
    public static final int FIELD_SPAN_PERCENT = 95;

    private HandRegion() {
    }

    /**
     * @param image a hand radiograph, bright hand on a darker background
     * @return the box of the hand, in the image's pixel coordinates
     */
    public static Roi find(GreyImage image) {
        int factor = Math.max(1, (Math.max(image.width(), image.height()) + ANALYSIS_SIDE - 1) / ANALYSIS_SIDE);
        int w = (image.width() + factor - 1) / factor;
        int h = (image.height() + factor - 1) / factor;
        int[] reduced = reduce(image, factor, w, h);
        int margin = Math.max(1, Math.round(BORDER_PERCENT / 100f * Math.min(w, h)));
        boolean[] inner = new boolean[w * h];
        for (int y = margin; y < h - margin; y++) {
            java.util.Arrays.fill(inner, y * w + margin, y * w + w - margin, true);
        }
        Region region = brightest(reduced, w, h, inner);
        if (region == null) {
            return Roi.whole(image.width(), image.height());
        }
        if (region.spans(w - 2 * margin, h - 2 * margin)) {
            Region inside = brightest(reduced, w, h, region.pixels);
            if (inside != null && inside.area() < region.area()) {
                region = inside;
            }
        }
        // A region reaching the ignored border band continues to the image edge (a forearm leaving the film).
        int x0 = region.minX <= margin ? 0 : region.minX * factor;
        int y0 = region.minY <= margin ? 0 : region.minY * factor;
        int x1 = region.maxX >= w - 1 - margin ? image.width() : Math.min(image.width(), (region.maxX + 1) * factor);
        int y1 = region.maxY >= h - 1 - margin ? image.height() : Math.min(image.height(), (region.maxY + 1) * factor);
        return new Roi(x0, y0, x1 - x0, y1 - y0);
    }

    /** A connected region of the reduced image: its pixels and inclusive bounding box. */
    private static final class Region {
        final boolean[] pixels;
        final int minX;
        final int minY;
        final int maxX;
        final int maxY;

        Region(boolean[] pixels, int minX, int minY, int maxX, int maxY) {
            this.pixels = pixels;
            this.minX = minX;
            this.minY = minY;
            this.maxX = maxX;
            this.maxY = maxY;
        }

        long area() {
            return (long) (maxX - minX + 1) * (maxY - minY + 1);
        }

        boolean spans(int w, int h) {
            return (maxX - minX + 1) * 100 >= FIELD_SPAN_PERCENT * w && (maxY - minY + 1) * 100 >= FIELD_SPAN_PERCENT * h;
        }
    }

    /** Steps 2-4 restricted to the pixels where {@code within} is true; null when nothing stands out. */
    private static Region brightest(int[] values, int w, int h, boolean[] within) {
        int[] histogram = new int[256];
        for (int i = 0; i < values.length; i++) {
            if (within[i]) {
                histogram[values[i]]++;
            }
        }
        int high = Histograms.otsuThreshold(clipBrightest(histogram, CLIP_PERCENT));
        long darkCount = 0;
        long darkSum = 0;
        for (int v = 0; v <= high; v++) {
            darkCount += histogram[v];
            darkSum += (long) v * histogram[v];
        }
        double background = darkCount == 0 ? 0 : (double) darkSum / darkCount;
        double low = background + (high - background) / 4;
        boolean[] mask = new boolean[values.length];
        boolean any = false;
        for (int i = 0; i < values.length; i++) {
            mask[i] = within[i] && values[i] > low;
            any |= mask[i];
        }
        if (!any) {
            return null;
        }
        mask = open3x3(mask, w, h);
        return largestComponent(values, mask, w, h, high);
    }

    /**
     * Moves the brightest {@code percent}% of the counts down to the level where they start, so that a small, very
     * bright object (a lead marker) cannot pull Otsu's threshold above a dim hand.
     */
    static int[] clipBrightest(int[] histogram, int percent) {
        long total = 0;
        for (int c : histogram) {
            total += c;
        }
        long keep = total - total * percent / 100;
        int[] out = histogram.clone();
        long seen = 0;
        for (int v = 0; v < out.length; v++) {
            seen += out[v];
            if (seen >= keep) {
                for (int u = v + 1; u < out.length; u++) {
                    out[v] += out[u];
                    out[u] = 0;
                }
                break;
            }
        }
        return out;
    }

    /** Erosion then dilation with a 3 x 3 square; pixels outside the image count as background. */
    private static boolean[] open3x3(boolean[] mask, int w, int h) {
        return dilate3x3(erode3x3(mask, w, h), w, h);
    }

    private static boolean[] erode3x3(boolean[] in, int w, int h) {
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

    private static boolean[] dilate3x3(boolean[] in, int w, int h) {
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

    /** The largest 4-connected region of the mask holding at least one value above {@code high}, or null. */
    private static Region largestComponent(int[] values, boolean[] mask, int w, int h, int high) {
        int[] label = new int[mask.length];
        int[] queue = new int[mask.length];
        int bestSize = 0;
        int bestLabel = 0;
        int[] bestBox = null;
        int next = 0;
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || label[start] != 0) {
                continue;
            }
            next++;
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            label[start] = next;
            int minX = Integer.MAX_VALUE;
            int minY = Integer.MAX_VALUE;
            int maxX = -1;
            int maxY = -1;
            boolean bright = false;
            while (head < tail) {
                int p = queue[head++];
                int x = p % w;
                int y = p / w;
                bright |= values[p] > high;
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
                if (x > 0 && mask[p - 1] && label[p - 1] == 0) {
                    label[p - 1] = next;
                    queue[tail++] = p - 1;
                }
                if (x < w - 1 && mask[p + 1] && label[p + 1] == 0) {
                    label[p + 1] = next;
                    queue[tail++] = p + 1;
                }
                if (y > 0 && mask[p - w] && label[p - w] == 0) {
                    label[p - w] = next;
                    queue[tail++] = p - w;
                }
                if (y < h - 1 && mask[p + w] && label[p + w] == 0) {
                    label[p + w] = next;
                    queue[tail++] = p + w;
                }
            }
            if (bright && tail > bestSize) {
                bestSize = tail;
                bestLabel = next;
                bestBox = new int[] {minX, minY, maxX, maxY};
            }
        }
        if (bestBox == null) {
            return null;
        }
        boolean[] pixels = new boolean[mask.length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = label[i] == bestLabel;
        }
        return new Region(pixels, bestBox[0], bestBox[1], bestBox[2], bestBox[3]);
    }
}
