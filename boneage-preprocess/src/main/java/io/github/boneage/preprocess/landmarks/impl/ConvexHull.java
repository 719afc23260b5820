package io.github.boneage.preprocess.landmarks.impl;

import java.util.Arrays;

/** The convex hull of a mask's pixels (as unit squares), by Andrew's monotone chain over row extremes. */
final class ConvexHull {

    private ConvexHull() {
    }

    /** @return the hull's area in pixels; 0 for an empty mask */
    static double area(boolean[] mask, int w, int h) {
        double[][] hull = vertices(mask, w, h);
        double twice = 0;
        for (int i = 0; i < hull.length; i++) {
            double[] a = hull[i];
            double[] b = hull[(i + 1) % hull.length];
            twice += a[0] * b[1] - b[0] * a[1];
        }
        return Math.abs(twice) / 2;
    }

    /** @return a mask of the pixels whose centres lie inside the hull of the mask's pixels */
    static boolean[] fill(boolean[] mask, int w, int h) {
        double[][] hull = vertices(mask, w, h);
        boolean[] out = new boolean[mask.length];
        if (hull.length < 3) {
            return out;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double[] p = {x + 0.5, y + 0.5};
                boolean inside = true;
                for (int i = 0; i < hull.length && inside; i++) {
                    inside = cross(hull[i], hull[(i + 1) % hull.length], p) >= 0;
                }
                out[y * w + x] = inside;
            }
        }
        return out;
    }

    /** The hull's corners in counter-clockwise order (y down: clockwise on screen); empty for fewer than 3 points. */
    private static double[][] vertices(boolean[] mask, int w, int h) {
        // The corners of each row's leftmost and rightmost pixel span the same hull as all pixels.
        double[][] pts = new double[4 * h][];
        int n = 0;
        for (int y = 0; y < h; y++) {
            int first = -1;
            int last = -1;
            for (int x = 0; x < w; x++) {
                if (mask[y * w + x]) {
                    if (first < 0) {
                        first = x;
                    }
                    last = x;
                }
            }
            if (first >= 0) {
                pts[n++] = new double[] {first, y};
                pts[n++] = new double[] {first, y + 1};
                pts[n++] = new double[] {last + 1, y};
                pts[n++] = new double[] {last + 1, y + 1};
            }
        }
        if (n < 3) {
            return new double[0][];
        }
        double[][] p = Arrays.copyOf(pts, n);
        Arrays.sort(p, (a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        double[][] hull = new double[2 * n][];
        int k = 0;
        for (int i = 0; i < n; i++) {
            while (k >= 2 && cross(hull[k - 2], hull[k - 1], p[i]) <= 0) {
                k--;
            }
            hull[k++] = p[i];
        }
        for (int i = n - 2, lower = k + 1; i >= 0; i--) {
            while (k >= lower && cross(hull[k - 2], hull[k - 1], p[i]) <= 0) {
                k--;
            }
            hull[k++] = p[i];
        }
        // The last point repeats the first.
        return Arrays.copyOf(hull, k - 1);
    }

    private static double cross(double[] o, double[] a, double[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }
}
