package io.github.boneage.synthetic.impl;

/**
 * A body of the hand model whose X-ray projection is rasterized: it adds, per pixel, the path length (mm) an X-ray
 * travels through it. Bones also report the path length through their medullary cavity, so cortex and medulla can be
 * given different densities.
 */
public abstract class Shape {

    /**
     * @param placement the model-to-image transform
     * @return this shape in image pixels
     */
    public abstract Shape transformed(Placement placement);

    /**
     * Rasterizes the shape by taking, per pixel, the maximum of the existing value and this shape's path length, so
     * overlapping parts of one body (shaft and epiphysis of one bone, palm and finger) form a union instead of adding.
     *
     * @param outer  path length through the whole body (mm), row-major, updated in place
     * @param inner  path length through the medulla (mm), or null for soft tissue
     * @param width  image width
     * @param height image height
     */
    public abstract void render(float[] outer, float[] inner, int width, int height);

    /**
     * Grows {@code box} ({minX, minY, maxX, maxY}) to include this shape.
     *
     * @param box the box to grow
     */
    public abstract void addBounds(double[] box);

    /** @return a box that {@link #addBounds} can grow */
    public static double[] emptyBounds() {
        return new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.NEGATIVE_INFINITY};
    }

    /** Grows {@code box} to include the point (x, y). */
    static void include(double[] box, double x, double y) {
        box[0] = Math.min(box[0], x);
        box[1] = Math.min(box[1], y);
        box[2] = Math.max(box[2], x);
        box[3] = Math.max(box[3], y);
    }

    /** @return first column to visit for a box starting at {@code min}, clipped to the image */
    static int firstPixel(double min) {
        return Math.max(0, (int) Math.floor(min - 1));
    }

    /** @return one past the last column to visit for a box ending at {@code max}, clipped to {@code size} */
    static int endPixel(double max, int size) {
        return (int) Math.min(size, Math.ceil(max + 1));
    }
}
