package io.github.boneage.synthetic.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A slab of constant depth over a convex outline with rounded rims (the palm): its path length is {@code depthMm}
 * inside and falls off over the last half-depth towards the outline like a cylinder of that diameter lying along it.
 */
public final class ConvexSlab extends Shape {

    private final double[] xs;
    private final double[] ys;
    private final double depthMm;
    private final double mmPerUnit;

    private ConvexSlab(double[] xs, double[] ys, double depthMm, double mmPerUnit) {
        this.xs = xs;
        this.ys = ys;
        this.depthMm = depthMm;
        this.mmPerUnit = mmPerUnit;
    }

    /**
     * @param points  outline points, any order; their convex hull is used
     * @param depthMm slab depth in millimetres (model units)
     * @return the slab
     */
    public static ConvexSlab hullOf(List<double[]> points, double depthMm) {
        List<double[]> hull = convexHull(points);
        double[] xs = new double[hull.size()];
        double[] ys = new double[hull.size()];
        for (int i = 0; i < hull.size(); i++) {
            xs[i] = hull.get(i)[0];
            ys[i] = hull.get(i)[1];
        }
        return new ConvexSlab(xs, ys, depthMm, 1);
    }

    /** Andrew's monotone chain; the result is in counter-clockwise order (y up), without repeated points. */
    static List<double[]> convexHull(List<double[]> input) {
        List<double[]> pts = new ArrayList<>(input);
        pts.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
        int n = pts.size();
        double[][] hull = new double[2 * n][];
        int k = 0;
        for (int i = 0; i < n; i++) {
            while (k >= 2 && cross(hull[k - 2], hull[k - 1], pts.get(i)) <= 0) {
                k--;
            }
            hull[k++] = pts.get(i);
        }
        for (int i = n - 2, lower = k + 1; i >= 0; i--) {
            while (k >= lower && cross(hull[k - 2], hull[k - 1], pts.get(i)) <= 0) {
                k--;
            }
            hull[k++] = pts.get(i);
        }
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < k - 1; i++) {
            out.add(hull[i]);
        }
        return out;
    }

    private static double cross(double[] o, double[] a, double[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }

    /** @return the outline vertices as {x, y} pairs */
    List<double[]> vertices() {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < xs.length; i++) {
            out.add(new double[] {xs[i], ys[i]});
        }
        return out;
    }

    @Override
    public ConvexSlab transformed(Placement p) {
        double[] tx = new double[xs.length];
        double[] ty = new double[ys.length];
        for (int i = 0; i < xs.length; i++) {
            tx[i] = p.x(xs[i], ys[i]);
            ty[i] = p.y(xs[i], ys[i]);
        }
        return new ConvexSlab(tx, ty, depthMm, mmPerUnit / p.scale());
    }

    @Override
    public void addBounds(double[] box) {
        for (int i = 0; i < xs.length; i++) {
            include(box, xs[i], ys[i]);
        }
    }

    @Override
    public void render(float[] outer, float[] inner, int width, int height) {
        int n = xs.length;
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++) {
            meanX += xs[i] / n;
            meanY += ys[i] / n;
        }
        // Inward unit normals and offsets: the signed distance to edge i is nx*x + ny*y - offset (positive inside).
        double[] nx = new double[n];
        double[] ny = new double[n];
        double[] offset = new double[n];
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            double ex = xs[j] - xs[i];
            double ey = ys[j] - ys[i];
            double len = Math.sqrt(ex * ex + ey * ey);
            double a = -ey / len;
            double b = ex / len;
            if (a * (meanX - xs[i]) + b * (meanY - ys[i]) < 0) {
                a = -a;
                b = -b;
            }
            nx[i] = a;
            ny[i] = b;
            offset[i] = a * xs[i] + b * ys[i];
        }
        double rim = 0.5 * depthMm / mmPerUnit;

        double[] box = emptyBounds();
        addBounds(box);
        int x0 = firstPixel(box[0]);
        int x1 = endPixel(box[2], width);
        int y0 = firstPixel(box[1]);
        int y1 = endPixel(box[3], height);
        for (int y = y0; y < y1; y++) {
            double py = y + 0.5;
            int row = y * width;
            for (int x = x0; x < x1; x++) {
                double px = x + 0.5;
                double inside = Double.POSITIVE_INFINITY;
                for (int e = 0; e < n && inside > -0.5; e++) {
                    inside = Math.min(inside, nx[e] * px + ny[e] * py - offset[e]);
                }
                if (inside <= -0.5) {
                    continue;
                }
                double profile = inside >= rim ? 1 : DiscProfile.mean(rim - inside, rim);
                float t = (float) (depthMm * profile);
                int i = row + x;
                if (t > outer[i]) {
                    outer[i] = t;
                }
            }
        }
    }
}
