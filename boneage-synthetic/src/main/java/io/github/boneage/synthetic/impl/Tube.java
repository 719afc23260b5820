package io.github.boneage.synthetic.impl;

/**
 * A body of revolution around the segment from end A to end B: a finger's soft tissue, the forearm, or a tubular
 * bone (phalanx, metacarpal, radius, ulna shaft). Its radius goes from {@code radiusA} to {@code radiusB} through
 * {@code radiusWaist} in the middle, {@code r(t) = waist + (rA - waist)(1 - t)^4 + (rB - waist) t^4}: the
 * flared metaphyses and narrow diaphysis of a bone, or a gentle taper for soft tissue. The ends are half-ellipsoids
 * whose length along the axis is {@code flatness} times the end radius (1: hemispherical, small: flat like a
 * metaphysis). A and B are the extreme points of the body, caps included. Bones have a cortex of the given thickness
 * around a medulla; the cross-section is {@code depthFactor} times deeper than wide.
 */
public final class Tube extends Shape {

    private static final double MIN_FLATNESS = 0.05;

    private final double ax;
    private final double ay;
    private final double bx;
    private final double by;
    private final double radiusA;
    private final double radiusWaist;
    private final double radiusB;
    private final double cortexA;
    private final double cortexWaist;
    private final double cortexB;
    private final double flatnessA;
    private final double flatnessB;
    private final double depthFactor;
    private final double mmPerUnit;

    /**
     * @param ax          x of end A
     * @param ay          y of end A
     * @param bx          x of end B
     * @param by          y of end B
     * @param radiusA     radius at end A
     * @param radiusWaist radius in the middle
     * @param radiusB     radius at end B
     * @param cortexA     cortical thickness at end A (0 for soft tissue)
     * @param cortexWaist cortical thickness in the middle
     * @param cortexB     cortical thickness at end B
     * @param flatnessA   cap length over radius at end A, in (0, 1]
     * @param flatnessB   cap length over radius at end B, in (0, 1]
     * @param depthFactor depth over width of the cross-section (1: round)
     * @param mmPerUnit   millimetres per coordinate unit
     */
    public Tube(double ax, double ay, double bx, double by, double radiusA, double radiusWaist, double radiusB,
            double cortexA, double cortexWaist, double cortexB, double flatnessA, double flatnessB, double depthFactor,
            double mmPerUnit) {
        this.ax = ax;
        this.ay = ay;
        this.bx = bx;
        this.by = by;
        this.radiusA = radiusA;
        this.radiusWaist = radiusWaist;
        this.radiusB = radiusB;
        this.cortexA = cortexA;
        this.cortexWaist = cortexWaist;
        this.cortexB = cortexB;
        this.flatnessA = Math.max(MIN_FLATNESS, flatnessA);
        this.flatnessB = Math.max(MIN_FLATNESS, flatnessB);
        this.depthFactor = depthFactor;
        this.mmPerUnit = mmPerUnit;
    }

    /**
     * @param a end A, {@code {x, y}} in model millimetres
     * @param b end B, {@code {x, y}} in model millimetres
     * @param radiusA radius at end A
     * @param radiusB radius at end B
     * @param flatnessA cap length over radius at end A, in (0, 1]
     * @param flatnessB cap length over radius at end B, in (0, 1]
     * @param depthFactor depth over width of the cross-section (1: round)
     * @return a soft-tissue tube without cortex, tapering smoothly from A to B
     */
    public static Tube soft(double[] a, double[] b, double radiusA, double radiusB, double flatnessA, double flatnessB,
            double depthFactor) {
        return new Tube(a[0], a[1], b[0], b[1], radiusA, 0.5 * (radiusA + radiusB), radiusB, 0, 0, 0, flatnessA,
                flatnessB, depthFactor, 1);
    }

    /**
     * @param a end A, {@code {x, y}} in model millimetres
     * @param b end B, {@code {x, y}} in model millimetres
     * @param radiusA outer radius at end A
     * @param radiusWaist outer radius in the middle
     * @param radiusB outer radius at end B
     * @param cortexA cortical thickness at end A
     * @param cortexWaist cortical thickness in the middle
     * @param cortexB cortical thickness at end B
     * @param flatnessA cap length over radius at end A, in (0, 1]
     * @param flatnessB cap length over radius at end B, in (0, 1]
     * @param depthFactor depth over width of the cross-section (1: round)
     * @return a bone shaft from a to b, in model millimetres, of the given depth over width
     */
    public static Tube bone(double[] a, double[] b, double radiusA, double radiusWaist, double radiusB, double cortexA,
            double cortexWaist, double cortexB, double flatnessA, double flatnessB, double depthFactor) {
        return new Tube(a[0], a[1], b[0], b[1], radiusA, radiusWaist, radiusB, cortexA, cortexWaist, cortexB,
                flatnessA, flatnessB, depthFactor, 1);
    }

    @Override
    public Tube transformed(Placement p) {
        double k = p.scale();
        return new Tube(p.x(ax, ay), p.y(ax, ay), p.x(bx, by), p.y(bx, by), radiusA * k, radiusWaist * k,
                radiusB * k, cortexA * k, cortexWaist * k, cortexB * k, flatnessA, flatnessB, depthFactor,
                mmPerUnit / k);
    }

    @Override
    public void addBounds(double[] box) {
        double r = maxRadius();
        include(box, ax - r, ay - r);
        include(box, ax + r, ay + r);
        include(box, bx - r, by - r);
        include(box, bx + r, by + r);
    }

    private double maxRadius() {
        return Math.max(radiusWaist, Math.max(radiusA, radiusB));
    }

    @Override
    public void render(float[] outer, float[] inner, int width, int height) {
        double dx = bx - ax;
        double dy = by - ay;
        double full = Math.sqrt(dx * dx + dy * dy);
        double ux = full > 1e-9 ? dx / full : 0;
        double uy = full > 1e-9 ? dy / full : 1;
        double capA = flatnessA * radiusA;
        double capB = flatnessB * radiusB;
        double kA = flatnessA;
        double kB = flatnessB;
        if (capA + capB > full) {
            // Foreshortened below the length of its caps: squash the caps rather than let them overlap.
            double shrink = full / (capA + capB);
            capA *= shrink;
            capB *= shrink;
            kA = Math.max(MIN_FLATNESS, kA * shrink);
            kB = Math.max(MIN_FLATNESS, kB * shrink);
        }
        double length = Math.max(0, full - capA - capB);
        double sx = ax + ux * capA;
        double sy = ay + uy * capA;
        double invKA = 1 / kA;
        double invKB = 1 / kB;
        double reach = maxRadius() + 0.5;
        double thicknessPerRadius = 2 * depthFactor * mmPerUnit;
        boolean hasMedulla = inner != null && (cortexA > 0 || cortexWaist > 0 || cortexB > 0);

        double[] box = emptyBounds();
        addBounds(box);
        int x0 = firstPixel(box[0]);
        int x1 = endPixel(box[2], width);
        int y0 = firstPixel(box[1]);
        int y1 = endPixel(box[3], height);
        for (int y = y0; y < y1; y++) {
            double py = y + 0.5 - sy;
            int row = y * width;
            for (int x = x0; x < x1; x++) {
                double px = x + 0.5 - sx;
                double perp = Math.abs(px * uy - py * ux);
                if (perp >= reach) {
                    continue;
                }
                double along = px * ux + py * uy;
                double distance;
                double radius;
                double cortex;
                if (along < 0) {
                    double a = along * invKA;
                    distance = Math.sqrt(a * a + perp * perp);
                    radius = radiusA;
                    cortex = cortexA;
                } else if (along > length) {
                    double a = (along - length) * invKB;
                    distance = Math.sqrt(a * a + perp * perp);
                    radius = radiusB;
                    cortex = cortexB;
                } else {
                    double t = length > 0 ? along / length : 0.5;
                    double s = 1 - t;
                    double towardsA = s * s * s * s;
                    double towardsB = t * t * t * t;
                    distance = perp;
                    radius = radiusWaist + (radiusA - radiusWaist) * towardsA + (radiusB - radiusWaist) * towardsB;
                    cortex = cortexWaist + (cortexA - cortexWaist) * towardsA + (cortexB - cortexWaist) * towardsB;
                }
                if (radius <= 0 || distance >= radius + 0.5) {
                    continue;
                }
                int i = row + x;
                float thickness = (float) (thicknessPerRadius * radius * DiscProfile.mean(distance, radius));
                if (thickness > outer[i]) {
                    outer[i] = thickness;
                }
                if (hasMedulla) {
                    double medulla = radius - cortex;
                    if (medulla > 0 && distance < medulla + 0.5) {
                        float m = (float) (thicknessPerRadius * medulla * DiscProfile.mean(distance, medulla));
                        if (m > inner[i]) {
                            inner[i] = m;
                        }
                    }
                }
            }
        }
    }
}
