package io.github.boneage.preprocess.landmarks.impl;

import io.github.boneage.preprocess.equalize.Histograms;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Separates bright objects (hands) from the background of a {@link WorkImage}: ignores a border band (film edges,
 * frame lines, labels at the edge), reads an inverted image the usual way round, thresholds between the background
 * level and Otsu's threshold, opens the mask to cut thin lines, and labels its 4-connected components.
 */
public final class Segmentation {

    /** Width of the ignored border band, as a fraction of the shorter side. */
    static final double BORDER_FRACTION = 0.02;
    /** Depth of the ring inside the border band that is sampled to tell background from object. */
    static final double RING_FRACTION = 0.06;
    /** Share of the brightest pixels folded into one level before Otsu's threshold (lead markers, letters). */
    static final double CLIP_FRACTION = 0.02;
    /** Where, between the background mean and Otsu's threshold, the mask threshold lies (keeps the soft tissue). */
    static final double SOFT_TISSUE_LEVEL = 0.35;
    /** A ring whose pixels are mostly above Otsu's threshold means the background is bright: the image is inverted. */
    static final double INVERTED_RING_SHARE = 0.6;
    /** A bright region spanning this share of the image's width and height is an exposure field. */
    static final double FIELD_SPAN = 0.85;
    /** A bright field spanning the image fills at least this share of its bounding box (a frame ring does not). */
    static final double BRIGHT_FIELD_FILL = 0.7;
    /** A bright field not spanning the image fills at least this share of its bounding box (a hand never does). */
    static final double FIELD_FILL = 0.85;
    /** A dark field (a collimated rectangle around the hand) fills at least this share of its bounding box. */
    static final double DARK_FIELD_FILL = 0.6;
    /** Share of the pixels around a dark field that must be bright. */
    static final double SURROUND_BRIGHT = 0.6;
    /** A field's bounding box covers at least this share of the image. */
    static final double FIELD_SHARE = 0.15;
    /** Grey levels by which something inside a field must stand out for it to be a field (else it is an object). */
    static final double MIN_FIELD_CONTRAST = 8;
    /** A lit field on dark film is this convex (a tilted rectangle; a hand with fingers never is). */
    static final double FIELD_SOLIDITY = 0.92;
    /** A dark field's bounding box covers at least this share of the image (a dark hand in an inverted image is smaller). */
    static final double DARK_FIELD_SHARE = 0.25;
    /** Rows and columns this close to the analysed region's edge, as a fraction of the image side, are checked for frame lines. */
    static final double FRAME_BAND = 0.15;
    /** A row or column near the edge that is this full of mask is a frame line or film edge, not a hand. */
    static final double FRAME_LINE_FILL = 0.7;

    /** One connected region of the mask. */
    public static final class Component {
        final int label;
        final int area;
        final int minX;
        final int minY;
        final int maxX;
        final int maxY;

        Component(int label, int area, int minX, int minY, int maxX, int maxY) {
            this.label = label;
            this.area = area;
            this.minX = minX;
            this.minY = minY;
            this.maxX = maxX;
            this.maxY = maxY;
        }

        /** @return pixels in the region */
        public int area() {
            return area;
        }
    }

    private final int width;
    private final int height;
    private final int[] labels;
    private final List<Component> components;
    private final boolean inverted;
    private final double contrast;
    private final boolean[] analysed;
    private final int analysedArea;

    private Segmentation(int width, int height, int[] labels, List<Component> components, boolean inverted,
            double contrast, boolean[] analysed, int analysedArea) {
        this.width = width;
        this.height = height;
        this.labels = labels;
        this.components = components;
        this.inverted = inverted;
        this.contrast = contrast;
        this.analysed = analysed;
        this.analysedArea = analysedArea;
    }

    /**
     * Segments the image, inverting it in place first when its background is bright.
     *
     * @param image the reduced radiograph
     * @return the segmentation
     */
    public static Segmentation of(WorkImage image) {
        int w = image.width();
        int h = image.height();
        int margin = Math.max(1, (int) Math.round(BORDER_FRACTION * Math.min(w, h)));
        int ringWidth = Math.max(1, (int) Math.round(RING_FRACTION * Math.min(w, h)));
        int[] v = image.values();
        boolean[] within = new boolean[w * h];
        for (int y = margin; y < h - margin; y++) {
            Arrays.fill(within, y * w + margin, y * w + w - margin, true);
        }
        boolean[] field = exposureField(v, w, h, margin, within);
        // A dark field (inside a lit surround) is dark by what it is: the image is not inverted.
        boolean darkField = field != within && darkFieldFound(v, field, w, h);
        within = field;
        int[] histogram = histogram(v, within);
        int otsu = Histograms.otsuThreshold(clipBrightest(histogram, CLIP_FRACTION));
        // The ring along the analysed region's edge is mostly background: bright there means an inverted grey scale.
        int[] edgeDistance = Morphology.chamferDistance(within, w, h);
        int ringPixels = 0;
        int ringBright = 0;
        for (int i = 0; i < v.length; i++) {
            if (within[i] && edgeDistance[i] <= 3 * ringWidth) {
                ringPixels++;
                if (v[i] > otsu) {
                    ringBright++;
                }
            }
        }
        boolean inverted = !darkField && ringPixels > 0 && ringBright > INVERTED_RING_SHARE * ringPixels;
        if (inverted) {
            image.invert();
            histogram = histogram(v, within);
            otsu = Histograms.otsuThreshold(clipBrightest(histogram, CLIP_FRACTION));
        }
        long darkCount = 0;
        long darkSum = 0;
        for (int i = 0; i <= otsu; i++) {
            darkCount += histogram[i];
            darkSum += (long) i * histogram[i];
        }
        double background = darkCount == 0 ? 0 : (double) darkSum / darkCount;
        long brightCount = 0;
        long brightSum = 0;
        for (int i = otsu + 1; i < 256; i++) {
            brightCount += histogram[i];
            brightSum += (long) i * histogram[i];
        }
        double contrast = brightCount == 0 || darkCount == 0 ? 0 : (double) brightSum / brightCount - background;
        double low = background + SOFT_TISSUE_LEVEL * (otsu - background);
        boolean[] mask = new boolean[w * h];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = within[i] && v[i] > low;
        }
        removeFrameLines(mask, w, h);
        mask = Morphology.open3x3(mask, w, h);
        int[] labels = new int[w * h];
        List<Component> components = label(mask, labels, w, h);
        int analysed = 0;
        for (boolean b : within) {
            analysed += b ? 1 : 0;
        }
        return new Segmentation(w, h, labels, components, inverted, contrast, within, analysed);
    }

    /**
     * Clears rows and columns near the image edge that are almost entirely mask: bright frame lines and film edges,
     * which would otherwise join fingertips into one object. A hand never fills such a line, its forearm crosses the
     * edge band only partly.
     */
    private static void removeFrameLines(boolean[] mask, int w, int h) {
        int bandY = (int) Math.round(FRAME_BAND * h);
        int bandX = (int) Math.round(FRAME_BAND * w);
        boolean[] rows = new boolean[h];
        boolean[] cols = new boolean[w];
        for (int y = 0; y < h; y++) {
            if (y >= bandY && y < h - bandY) {
                continue;
            }
            int n = 0;
            for (int x = 0; x < w; x++) {
                n += mask[y * w + x] ? 1 : 0;
            }
            rows[y] = n >= FRAME_LINE_FILL * w;
        }
        for (int x = 0; x < w; x++) {
            if (x >= bandX && x < w - bandX) {
                continue;
            }
            int n = 0;
            for (int y = 0; y < h; y++) {
                n += mask[y * w + x] ? 1 : 0;
            }
            cols[x] = n >= FRAME_LINE_FILL * h;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (rows[y] || cols[x]) {
                    mask[y * w + x] = false;
                }
            }
        }
    }

    /** Whether most of the field is darker than the rest of the image (a collimated field inside a lit surround). */
    private static boolean darkFieldFound(int[] v, boolean[] field, int w, int h) {
        long inSum = 0;
        long inCount = 0;
        long outSum = 0;
        long outCount = 0;
        for (int i = 0; i < v.length; i++) {
            if (field[i]) {
                inSum += v[i];
                inCount++;
            } else {
                outSum += v[i];
                outCount++;
            }
        }
        return inCount > 0 && outCount > 0 && (double) inSum / inCount < (double) outSum / outCount;
    }

    /** The difference between the mean levels of the two Otsu classes of a histogram; 0 when one class is empty. */
    private static double contrast(int[] histogram) {
        int t = Histograms.otsuThreshold(histogram);
        long darkCount = 0;
        long darkSum = 0;
        long brightCount = 0;
        long brightSum = 0;
        for (int i = 0; i < histogram.length; i++) {
            if (i <= t) {
                darkCount += histogram[i];
                darkSum += (long) i * histogram[i];
            } else {
                brightCount += histogram[i];
                brightSum += (long) i * histogram[i];
            }
        }
        return darkCount == 0 || brightCount == 0 ? 0 : (double) brightSum / brightCount - (double) darkSum / darkCount;
    }

    private static int[] histogram(int[] v, boolean[] within) {
        int[] histogram = new int[256];
        for (int i = 0; i < v.length; i++) {
            if (within[i]) {
                histogram[v[i]]++;
            }
        }
        return histogram;
    }

    /**
     * Finds a collimated exposure field: a bright field on a dark film border (the field then holds the hand), or a
     * dark, nearly rectangular field inside a bright surround. Returns the field shrunk by the border band, or
     * {@code within} unchanged when there is none.
     */
    private static boolean[] exposureField(int[] v, int w, int h, int margin, boolean[] within) {
        int t = Histograms.otsuThreshold(clipBrightest(histogram(v, within), CLIP_FRACTION));
        int innerW = w - 2 * margin;
        int innerH = h - 2 * margin;
        // A bright field is framed by dark film: most of the outer band is dark. (A bright background with the hand
        // in it, as in an inverted image, is not a field.)
        int band = 0;
        int darkBand = 0;
        for (int i = 0; i < v.length; i++) {
            if (!within[i]) {
                band++;
                darkBand += v[i] <= t ? 1 : 0;
            }
        }
        boolean darkFrame = darkBand * 2 > band;
        for (boolean bright : new boolean[] {true, false}) {
            boolean[] m = new boolean[w * h];
            for (int i = 0; i < m.length; i++) {
                m[i] = within[i] && (bright ? v[i] > t : v[i] <= t);
            }
            m = Morphology.open3x3(m, w, h);
            int[] labels = new int[w * h];
            List<Component> parts = label(m, labels, w, h);
            if (parts.isEmpty()) {
                continue;
            }
            Component c = parts.get(0);
            int spanX = c.maxX - c.minX + 1;
            int spanY = c.maxY - c.minY + 1;
            boolean[] field;
            // A lit field can be small (a narrow exposure holding the hand); a dark one must be large, or a dark hand in
            // an inverted image would pass for it.
            int minShareDivisor = bright ? 6 : 3;
            double fill = c.area / (double) (spanX * spanY);
            boolean spans = spanX >= FIELD_SPAN * innerW && spanY >= FIELD_SPAN * innerH;
            boolean large = (long) spanX * spanY >= FIELD_SHARE * innerW * innerH;
            if (bright && darkFrame && fill >= BRIGHT_FIELD_FILL && (spans || (large && fill >= FIELD_FILL))
                    || bright && darkFrame && large && solidity(labels, c, w, h) >= FIELD_SOLIDITY) {
                field = fill(labels, c.label, w, h);
            } else if (bright && !darkFrame && fill < BRIGHT_FIELD_FILL && touchedSides(c, w, h, margin) >= 3) {
                // A lit surround around a dark field: the field is the hull of the surround's holes.
                field = surroundedField(labels, c.label, within, w, h);
                if (field == null) {
                    continue;
                }
            } else if (!bright && fill >= DARK_FIELD_FILL && touchedSides(c, w, h, margin) <= 1
                    && (long) spanX * spanY >= DARK_FIELD_SHARE * innerW * innerH
                    && brightAround(v, w, within, c, t)) {
                field = new boolean[w * h];
                for (int y = c.minY; y <= c.maxY; y++) {
                    Arrays.fill(field, y * w + c.minX, y * w + c.maxX + 1, true);
                }
            } else {
                continue;
            }
            boolean[] shrunk = field;
            for (int k = 0; k < margin + 1; k++) {
                shrunk = Morphology.erode3x3(shrunk, w, h);
            }
            int kept = 0;
            int all = 0;
            for (int i = 0; i < shrunk.length; i++) {
                kept += shrunk[i] ? 1 : 0;
                all += within[i] ? 1 : 0;
            }
            // A "field" much smaller than the image, or one with nothing in it, is an object, not a field.
            if (kept < all / minShareDivisor || contrast(histogram(v, shrunk)) < MIN_FIELD_CONTRAST) {
                continue;
            }
            return shrunk;
        }
        return within;
    }

    /** Area over convex-hull area of a component: near 1 for a (possibly tilted) rectangular field. */
    private static double solidity(int[] labels, Component c, int w, int h) {
        boolean[] object = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            object[i] = labels[i] == c.label;
        }
        return c.area / Math.max(1, ConvexHull.area(object, w, h));
    }

    /**
     * The convex hull of the holes of a component (a lit surround's dark field, whose hand may join the surround
     * through the forearm), or null when its holes are small. A hull, not a box, keeps the surround's corners out of a
     * tilted field.
     */
    private static boolean[] surroundedField(int[] labels, int label, boolean[] within, int w, int h) {
        // The ignored border band counts as surround, so a field touching it is still enclosed.
        boolean[] surround = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            surround[i] = labels[i] == label || !within[i];
        }
        boolean[] filled = fillHoles(surround, w, h);
        boolean[] holes = new boolean[labels.length];
        int count = 0;
        for (int i = 0; i < labels.length; i++) {
            holes[i] = filled[i] && !surround[i];
            count += holes[i] ? 1 : 0;
        }
        if (count < DARK_FIELD_SHARE * w * h) {
            return null;
        }
        return ConvexHull.fill(holes, w, h);
    }

    /** Whether the analysed pixels outside the component's bounding box are mostly bright (a lit surround). */
    private static boolean brightAround(int[] v, int w, boolean[] within, Component c, int t) {
        int outside = 0;
        int bright = 0;
        for (int i = 0; i < v.length; i++) {
            int x = i % w;
            int y = i / w;
            if (within[i] && (x < c.minX || x > c.maxX || y < c.minY || y > c.maxY)) {
                outside++;
                bright += v[i] > t ? 1 : 0;
            }
        }
        return outside > 0 && bright >= SURROUND_BRIGHT * outside;
    }

    private static int touchedSides(Component c, int w, int h, int margin) {
        int sides = 0;
        sides += c.minX <= margin + 1 ? 1 : 0;
        sides += c.minY <= margin + 1 ? 1 : 0;
        sides += c.maxX >= w - margin - 2 ? 1 : 0;
        sides += c.maxY >= h - margin - 2 ? 1 : 0;
        return sides;
    }

    /** The component with the given label, holes filled. */
    private static boolean[] fill(int[] labels, int label, int w, int h) {
        boolean[] object = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            object[i] = labels[i] == label;
        }
        return fillHoles(object, w, h);
    }

    private static List<Component> label(boolean[] mask, int[] labels, int w, int h) {
        List<Component> out = new ArrayList<>();
        int[] queue = new int[mask.length];
        int next = 0;
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || labels[start] != 0) {
                continue;
            }
            next++;
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            labels[start] = next;
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
                if (x > 0 && mask[p - 1] && labels[p - 1] == 0) {
                    labels[p - 1] = next;
                    queue[tail++] = p - 1;
                }
                if (x < w - 1 && mask[p + 1] && labels[p + 1] == 0) {
                    labels[p + 1] = next;
                    queue[tail++] = p + 1;
                }
                if (y > 0 && mask[p - w] && labels[p - w] == 0) {
                    labels[p - w] = next;
                    queue[tail++] = p - w;
                }
                if (y < h - 1 && mask[p + w] && labels[p + w] == 0) {
                    labels[p + w] = next;
                    queue[tail++] = p + w;
                }
            }
            out.add(new Component(next, tail, minX, minY, maxX, maxY));
        }
        out.sort(Comparator.comparingInt(Component::area).reversed());
        return out;
    }

    /**
     * @param component one of {@link #components()}
     * @param reach     how far, in working pixels, a fragment may lie from the component and still be joined to it
     * @return the component joined with the fragments near it (finger segments the threshold cut off, e.g. at a
     *         faint joint), holes filled
     */
    public boolean[] joinedMask(Component component, int reach) {
        boolean[] near = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            near[i] = labels[i] == component.label;
        }
        for (int k = 0; k < reach; k++) {
            near = Morphology.dilate3x3(near, width, height);
        }
        boolean[] joined = new boolean[labels.length + 1];
        for (int i = 0; i < labels.length; i++) {
            if (near[i] && labels[i] != 0) {
                joined[labels[i]] = true;
            }
        }
        boolean[] object = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            object[i] = labels[i] != 0 && joined[labels[i]];
        }
        // Close the gaps between the joined pieces so that they form one outline.
        for (int k = 0; k < reach; k++) {
            object = Morphology.dilate3x3(object, width, height);
        }
        for (int k = 0; k < reach; k++) {
            object = Morphology.erode3x3(object, width, height);
        }
        for (int i = 0; i < labels.length; i++) {
            object[i] |= labels[i] == component.label;
        }
        return fillHoles(object, width, height);
    }

    /** The object with every background pixel that the image edge cannot reach added to it. */
    static boolean[] fillHoles(boolean[] object, int width, int height) {
        boolean[] outside = new boolean[object.length];
        int[] queue = new int[object.length];
        int tail = 0;
        for (int x = 0; x < width; x++) {
            tail = seed(object, outside, queue, tail, x);
            tail = seed(object, outside, queue, tail, (height - 1) * width + x);
        }
        for (int y = 0; y < height; y++) {
            tail = seed(object, outside, queue, tail, y * width);
            tail = seed(object, outside, queue, tail, y * width + width - 1);
        }
        int head = 0;
        while (head < tail) {
            int p = queue[head++];
            int x = p % width;
            int y = p / width;
            if (x > 0) {
                tail = seed(object, outside, queue, tail, p - 1);
            }
            if (x < width - 1) {
                tail = seed(object, outside, queue, tail, p + 1);
            }
            if (y > 0) {
                tail = seed(object, outside, queue, tail, p - width);
            }
            if (y < height - 1) {
                tail = seed(object, outside, queue, tail, p + width);
            }
        }
        boolean[] filled = new boolean[object.length];
        for (int i = 0; i < filled.length; i++) {
            filled[i] = !outside[i];
        }
        return filled;
    }

    private static int seed(boolean[] object, boolean[] outside, int[] queue, int tail, int p) {
        if (!object[p] && !outside[p]) {
            outside[p] = true;
            queue[tail++] = p;
        }
        return tail;
    }

    /**
     * Moves the brightest share of the counts down to the level where they start, so that a small, very bright object
     * (a lead marker) cannot pull Otsu's threshold above a dim hand.
     */
    static int[] clipBrightest(int[] histogram, double fraction) {
        long total = Arrays.stream(histogram).asLongStream().sum();
        long keep = total - (long) (total * fraction);
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

    /** @return the components, largest first */
    public List<Component> components() {
        return components;
    }

    /** @return whether the image was inverted before thresholding */
    public boolean inverted() {
        return inverted;
    }

    /** @return the difference between the mean levels of the bright and the dark class; 0 for a constant image */
    public double contrast() {
        return contrast;
    }

    /** @return how many working pixels were analysed (inside the border band and any exposure field) */
    public int analysedArea() {
        return analysedArea;
    }

    /** @return the analysed pixels (shared, not copied) */
    public boolean[] analysed() {
        return analysed;
    }
}
