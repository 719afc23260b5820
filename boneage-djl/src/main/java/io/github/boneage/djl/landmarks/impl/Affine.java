package io.github.boneage.djl.landmarks.impl;

/**
 * A 2-D affine map {@code x' = a x + b y + c, y' = d x + e y + f} in continuous pixel coordinates (origin at the
 * top-left corner of the top-left pixel, as everywhere in boneage).
 *
 * @param a x' from x
 * @param b x' from y
 * @param c x' offset
 * @param d y' from x
 * @param e y' from y
 * @param f y' offset
 */
public record Affine(double a, double b, double c, double d, double e, double f) {

    /** The identity map. */
    public static final Affine IDENTITY = new Affine(1, 0, 0, 0, 1, 0);

    /**
     * @param dx shift along x, in pixels
     * @param dy shift along y, in pixels
     * @return a translation by (dx, dy)
     */
    public static Affine translation(double dx, double dy) {
        return new Affine(1, 0, dx, 0, 1, dy);
    }

    /**
     * @param s the scale factor
     * @return a scaling by s about the origin
     */
    public static Affine scale(double s) {
        return new Affine(s, 0, 0, 0, s, 0);
    }

    /**
     * @param radians the angle, in radians
     * @return a rotation by {@code radians} about the origin (clockwise on screen, since y grows down)
     */
    public static Affine rotation(double radians) {
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        return new Affine(cos, -sin, 0, sin, cos, 0);
    }

    /** @return a mirror image across the vertical line through the origin */
    public static Affine mirrorX() {
        return new Affine(-1, 0, 0, 0, 1, 0);
    }

    /**
     * @param next the map applied second
     * @return the map that applies {@code this} first, then {@code next}
     */
    public Affine then(Affine next) {
        return new Affine(
                next.a * a + next.b * d, next.a * b + next.b * e, next.a * c + next.b * f + next.c,
                next.d * a + next.e * d, next.d * b + next.e * e, next.d * c + next.e * f + next.f);
    }

    /** @return the inverse map; throws for a singular map */
    public Affine inverse() {
        double det = a * e - b * d;
        if (Math.abs(det) < 1e-12) {
            throw new IllegalStateException("singular affine map " + this);
        }
        double ia = e / det;
        double ib = -b / det;
        double id = -d / det;
        double ie = a / det;
        return new Affine(ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f));
    }

    /**
     * @param x input x
     * @param y input y
     * @return x' of (x, y)
     */
    public double x(double x, double y) {
        return a * x + b * y + c;
    }

    /**
     * @param x input x
     * @param y input y
     * @return y' of (x, y)
     */
    public double y(double x, double y) {
        return d * x + e * y + f;
    }

    /** @return the factor by which the map scales lengths (the square root of its determinant's magnitude) */
    public double lengthScale() {
        return Math.sqrt(Math.abs(a * e - b * d));
    }
}
