package io.github.boneage.core;

/**
 * A point in image pixel coordinates: origin at the top-left corner of the top-left pixel, x to the right, y down.
 *
 * @param x horizontal coordinate in pixels
 * @param y vertical coordinate in pixels
 */
public record Point(double x, double y) {

    /**
     * @param x horizontal coordinate in pixels
     * @param y vertical coordinate in pixels
     * @throws IllegalArgumentException if a coordinate is NaN or infinite
     */
    public Point {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("point coordinates must be finite, got (" + x + ", " + y + ")");
        }
    }

    /**
     * @param other another point
     * @return Euclidean distance to {@code other}
     */
    public double distanceTo(Point other) {
        return Math.hypot(x - other.x, y - other.y);
    }

    /**
     * @param other another point
     * @return the midpoint between this point and {@code other}
     */
    public Point midpoint(Point other) {
        return new Point((x + other.x) / 2, (y + other.y) / 2);
    }
}
