package io.github.boneage.preprocess.landmarks.impl;

import java.util.ArrayList;
import java.util.List;

/**
 * The geometry of one hand mask: its palm (the largest inscribed disc), the radial profile seen from the palm centre,
 * the fingertips (peaks of that profile) and the finger valleys (minima between neighbouring tips), and a hand frame
 * whose axes run across the hand (thumb to little finger) and along it (wrist to fingers), scaled by the palm radius.
 * All coordinates are working-image pixel coordinates (pixel centres at {@code i + 0.5}).
 */
public final class HandShape {

    /** Rays cast from the palm centre, evenly spaced over the full turn. */
    static final int RAYS = 360;
    /** Half-width, in rays, of the window smoothing the radial profile before peaks are searched. */
    static final int SMOOTH_RAYS = 2;
    /** Half-width, in rays, of the window that picks the finger direction (the heaviest arc of the profile). */
    static final int DIRECTION_WINDOW = 50;
    /** Fingertips are searched within this many degrees of the finger direction. */
    static final int TIP_ARC = 125;
    /** A fingertip stands out from the valleys on both sides by at least this many palm radii. */
    static final double TIP_PROMINENCE = 0.06;
    /** Prominence of the second, less strict search when fewer than five tips stood out (fingers together). */
    static final double FAINT_TIP_PROMINENCE = 0.02;
    /** Smoothing half-width, in rays, of that second search. */
    static final int FAINT_SMOOTH_RAYS = 1;
    /** A fingertip lies at least this many palm radii from the palm centre. */
    static final double TIP_MIN_REACH = 1.1;

    final int width;
    final int height;
    final boolean[] mask;
    final double palmX;
    final double palmY;
    final double palmRadius;
    final double[] reach;
    /** The ray (index into {@link #reach}) pointing from the palm towards the fingers. */
    final int fingerRay;
    final double solidity;
    final int[] tipRays;
    final int[] valleyRays;
    /** Unit vector across the hand towards the little finger. */
    double acrossX;
    double acrossY;
    /** Unit vector along the hand towards the fingers. */
    double alongX;
    double alongY;
    /** Whether the frame came from five fingertips (otherwise from the mask outline only). */
    final boolean fromTips;
    /** Whether the five fingertips only showed in the less strict second search. */
    final boolean faintTips;

    private HandShape(int width, int height, boolean[] mask, double palmX, double palmY, double palmRadius,
            double[] reach, int fingerRay, double solidity, int[] tipRays, int[] valleyRays,
            boolean fromTips, boolean faintTips) {
        this.width = width;
        this.height = height;
        this.mask = mask;
        this.palmX = palmX;
        this.palmY = palmY;
        this.palmRadius = palmRadius;
        this.reach = reach;
        this.fingerRay = fingerRay;
        this.solidity = solidity;
        this.tipRays = tipRays;
        this.valleyRays = valleyRays;
        this.fromTips = fromTips;
        this.faintTips = faintTips;
    }

    /**
     * @param mask   the hand's filled mask
     * @param width  mask width
     * @param height mask height
     * @param analysed the pixels that were analysed: an object reaching beyond them (a forearm leaving the film or
     *                 the exposure field) is cut there
     * @return the shape
     */
    public static HandShape of(boolean[] mask, int width, int height, boolean[] analysed) {
        int[] distance = Morphology.chamferDistance(mask, width, height);
        int best = 0;
        int area = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                area++;
            }
            if (distance[i] > distance[best]) {
                best = i;
            }
        }
        double px = best % width + 0.5;
        double py = best / width + 0.5;
        double radius = Math.max(1, distance[best] / 3.0);
        double[] reach = new double[RAYS];
        boolean[] cut = new boolean[RAYS];
        castRays(mask, width, height, analysed, px, py, reach, cut);
        double[] smooth = smooth(reach, SMOOTH_RAYS);
        int fingerRay = heaviestArc(smooth, cut);
        List<Integer> tips = findTips(smooth, fingerRay, radius, TIP_PROMINENCE);
        boolean faint = false;
        if (tips.size() < 5) {
            // Fingers pressed together leave only shallow notches between their tips: look again, less strictly, and
            // keep the result only if it gives exactly five.
            List<Integer> retry = findTips(smooth(reach, FAINT_SMOOTH_RAYS), fingerRay, radius, FAINT_TIP_PROMINENCE);
            if (retry.size() == 5) {
                tips = retry;
                faint = true;
            }
        }
        double solidity = area / Math.max(1, ConvexHull.area(mask, width, height));
        int[] tipRays = tips.stream().mapToInt(Integer::intValue).toArray();
        int[] valleyRays = new int[Math.max(0, tipRays.length - 1)];
        for (int k = 0; k + 1 < tipRays.length; k++) {
            valleyRays[k] = argMinBetween(smooth, tipRays[k], tipRays[k + 1]);
        }
        HandShape shape = new HandShape(width, height, mask, px, py, radius, reach, fingerRay,
                solidity, tipRays, valleyRays, tipRays.length == 5, faint);
        shape.orient();
        return shape;
    }

    /** Sets the frame: from the tips when five were found, else from the finger direction and the mask's lateral extent. */
    private void orient() {
        double ax;
        double ay;
        if (fromTips) {
            // Thumb: the end tip with the wider angular gap to its neighbour (the thumb is abducted).
            int gapFirst = arcLength(tipRays[0], tipRays[1]);
            int gapLast = arcLength(tipRays[3], tipRays[4]);
            if (gapLast > gapFirst) {
                reverse(tipRays);
                reverse(valleyRays);
            }
            ax = 0;
            ay = 0;
            for (int k = 1; k < 5; k++) {
                double a = Math.toRadians(tipRays[k] * 360.0 / RAYS);
                ax += Math.cos(a);
                ay += Math.sin(a);
            }
        } else {
            double a = Math.toRadians(fingerRay * 360.0 / RAYS);
            ax = Math.cos(a);
            ay = Math.sin(a);
        }
        double norm = Math.hypot(ax, ay);
        alongX = ax / norm;
        alongY = ay / norm;
        acrossX = -alongY;
        acrossY = alongX;
        boolean flip;
        if (fromTips) {
            flip = across(tipPoint(0)) > across(tipPoint(4));
        } else if (tipRays.length >= 3) {
            // Some fingertips are merged; the thumb is still the end one with the wider gap to its neighbour.
            int n = tipRays.length;
            boolean thumbLast = arcLength(tipRays[n - 2], tipRays[n - 1]) > arcLength(tipRays[0], tipRays[1]);
            double[] thumb = rayPoint(tipRays[thumbLast ? n - 1 : 0]);
            double[] other = rayPoint(tipRays[thumbLast ? 0 : n - 1]);
            flip = across(thumb) > across(other);
        } else {
            // The thumb side is the side where the mask reaches further out beside the palm.
            flip = lateralReach(1) > lateralReach(-1);
        }
        if (flip) {
            acrossX = -acrossX;
            acrossY = -acrossY;
        }
    }

    private double lateralReach(int sign) {
        double best = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (!mask[y * width + x]) {
                    continue;
                }
                double[] p = {x + 0.5, y + 0.5};
                double v = along(p);
                if (v > -0.5 && v < 1.5) {
                    best = Math.max(best, sign * across(p));
                }
            }
        }
        return best;
    }

    private static void reverse(int[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static void castRays(boolean[] mask, int w, int h, boolean[] analysed, double px, double py,
            double[] reach, boolean[] cut) {
        double maxLength = Math.hypot(w, h);
        for (int r = 0; r < RAYS; r++) {
            double a = Math.toRadians(r * 360.0 / RAYS);
            double dx = Math.cos(a);
            double dy = Math.sin(a);
            double last = 0;
            for (double t = 0; t < maxLength; t += 0.5) {
                int x = (int) Math.floor(px + t * dx);
                int y = (int) Math.floor(py + t * dy);
                if (x < 0 || y < 0 || x >= w || y >= h) {
                    break;
                }
                if (mask[y * w + x]) {
                    last = t;
                }
            }
            reach[r] = last;
            int nx = (int) Math.floor(px + (last + 2) * dx);
            int ny = (int) Math.floor(py + (last + 2) * dy);
            cut[r] = nx < 0 || ny < 0 || nx >= w || ny >= h || !analysed[ny * w + nx];
        }
    }

    private static double[] smooth(double[] values, int half) {
        int n = values.length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = -half; k <= half; k++) {
                s += values[Math.floorMod(i + k, n)];
            }
            out[i] = s / (2 * half + 1);
        }
        return out;
    }

    /** The ray at the centre of the window with the largest summed reach; rays reaching the border count as zero. */
    private static int heaviestArc(double[] reach, boolean[] cut) {
        int n = reach.length;
        double bestSum = -1;
        int best = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = -DIRECTION_WINDOW; k <= DIRECTION_WINDOW; k++) {
                int j = Math.floorMod(i + k, n);
                s += cut[j] ? 0 : reach[j];
            }
            if (s > bestSum) {
                bestSum = s;
                best = i;
            }
        }
        return best;
    }

    private static List<Integer> findTips(double[] reach, int fingerRay, double radius, double minProminence) {
        int n = reach.length;
        int arc = TIP_ARC * n / 360;
        List<int[]> peaks = new ArrayList<>();
        for (int k = -arc; k <= arc; k++) {
            int i = Math.floorMod(fingerRay + k, n);
            if (reach[i] < TIP_MIN_REACH * radius) {
                continue;
            }
            double prev = reach[Math.floorMod(i - 1, n)];
            double next = reach[Math.floorMod(i + 1, n)];
            if (!(reach[i] > prev && reach[i] >= next)) {
                continue;
            }
            double leftMin = reach[i];
            for (int j = k - 1; j >= -arc - 20; j--) {
                double r = reach[Math.floorMod(fingerRay + j, n)];
                if (r > reach[i]) {
                    break;
                }
                leftMin = Math.min(leftMin, r);
            }
            double rightMin = reach[i];
            for (int j = k + 1; j <= arc + 20; j++) {
                double r = reach[Math.floorMod(fingerRay + j, n)];
                if (r > reach[i]) {
                    break;
                }
                rightMin = Math.min(rightMin, r);
            }
            double prominence = reach[i] - Math.max(leftMin, rightMin);
            if (prominence >= minProminence * radius) {
                peaks.add(new int[] {k, (int) Math.round(prominence * 1000)});
            }
        }
        if (peaks.size() > 5) {
            peaks.sort((a, b) -> Integer.compare(b[1], a[1]));
            peaks = new ArrayList<>(peaks.subList(0, 5));
        }
        peaks.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<Integer> rays = new ArrayList<>();
        for (int[] p : peaks) {
            rays.add(Math.floorMod(fingerRay + p[0], n));
        }
        return rays;
    }

    private static int argMinBetween(double[] reach, int from, int to) {
        int n = reach.length;
        int length = Math.floorMod(to - from, n);
        int best = from;
        for (int k = 0; k <= length; k++) {
            int i = Math.floorMod(from + k, n);
            if (reach[i] < reach[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int arcLength(int from, int to) {
        int d = Math.floorMod(to - from, RAYS);
        return Math.min(d, RAYS - d);
    }

    /** @return the point where the given ray leaves the mask for the last time */
    double[] rayPoint(int ray) {
        double a = Math.toRadians(ray * 360.0 / RAYS);
        return new double[] {palmX + reach[ray] * Math.cos(a), palmY + reach[ray] * Math.sin(a)};
    }

    /** @return whether five fingertips (and so four valleys) were found */
    public boolean hasFiveTips() {
        return fromTips;
    }

    /** @return whether the fingertips were found only by the less strict search (fingers together) */
    public boolean faintTips() {
        return faintTips;
    }

    /**
     * @param k finger index, thumb first
     * @return the fingertip in working-image coordinates
     */
    public double[] tip(int k) {
        return tipPoint(k);
    }

    /** @return the k-th fingertip, thumb first */
    double[] tipPoint(int k) {
        return rayPoint(tipRays[k]);
    }

    /** @return the k-th valley, between tips k and k+1 */
    double[] valleyPoint(int k) {
        return rayPoint(valleyRays[k]);
    }

    /** @return the across-hand coordinate of a point, in palm radii from the palm centre */
    double across(double[] p) {
        return ((p[0] - palmX) * acrossX + (p[1] - palmY) * acrossY) / palmRadius;
    }

    /** @return the along-hand coordinate of a point, in palm radii from the palm centre */
    double along(double[] p) {
        return ((p[0] - palmX) * alongX + (p[1] - palmY) * alongY) / palmRadius;
    }

    /**
     * @param u coordinate across the hand, in palm radii
     * @param v coordinate along the hand's axis, in palm radii
     * @return the working-image point at hand-frame coordinates (u across, v along), in palm radii
     */
    public double[] toImage(double u, double v) {
        return new double[] {palmX + palmRadius * (u * acrossX + v * alongX), palmY + palmRadius * (u * acrossY + v * alongY)};
    }

    /**
     * The mask's extent across the hand at a given level along it: the run of mask pixels, on the line through the
     * frame's axis at that level, that contains the axis point.
     *
     * @param v level along the hand, in palm radii
     * @return {low, high} across-hand coordinates in palm radii; {0, 0} when the axis point lies outside the mask
     */
    double[] extentAt(double v) {
        if (!inside(0, v)) {
            return new double[] {0, 0};
        }
        double step = 0.5 / palmRadius;
        double low = 0;
        while (inside(low - step, v)) {
            low -= step;
        }
        double high = 0;
        while (inside(high + step, v)) {
            high += step;
        }
        return new double[] {low, high};
    }

    private boolean inside(double u, double v) {
        double[] p = toImage(u, v);
        int x = (int) Math.floor(p[0]);
        int y = (int) Math.floor(p[1]);
        return x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x];
    }
}
