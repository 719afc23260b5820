package io.github.boneage.synthetic.impl;

/**
 * The similarity transform from the hand model's frame (millimetres; x towards the thumb of a left hand, y towards
 * the fingertips) to image pixels (x right, y down): optional mirror, then rotation clockwise as displayed, then scale,
 * then translation. Rotations, uniform scales and mirrors keep capsules capsules and ellipses ellipses, so the shapes
 * are transformed once and rasterized directly in pixel space.
 */
public final class Placement {

    private final double originX;
    private final double originY;
    private final double scale;
    private final double cos;
    private final double sin;
    private final double mirror;

    /**
     * @param originX         image x of the model origin
     * @param originY         image y of the model origin
     * @param pixelsPerMm     scale
     * @param rotationDegrees rotation as displayed, clockwise
     * @param mirrored        whether to mirror the model's x axis first
     */
    public Placement(double originX, double originY, double pixelsPerMm, double rotationDegrees, boolean mirrored) {
        this.originX = originX;
        this.originY = originY;
        this.scale = pixelsPerMm;
        double radians = StrictMath.toRadians(rotationDegrees);
        this.cos = StrictMath.cos(radians);
        this.sin = StrictMath.sin(radians);
        this.mirror = mirrored ? -1 : 1;
    }

    /**
     * @param x model x, in model millimetres
     * @param y model y, in model millimetres
     * @return image x of model point (x, y)
     */
    public double x(double x, double y) {
        return originX + scale * (cos * mirror * x + sin * y);
    }

    /**
     * @param x model x, in model millimetres
     * @param y model y, in model millimetres
     * @return image y of model point (x, y)
     */
    public double y(double x, double y) {
        return originY + scale * (sin * mirror * x - cos * y);
    }

    /**
     * @param dx model direction, x component
     * @param dy model direction, y component
     * @return image x component of model direction (dx, dy), scale not applied
     */
    public double directionX(double dx, double dy) {
        return cos * mirror * dx + sin * dy;
    }

    /**
     * @param dx model direction, x component
     * @param dy model direction, y component
     * @return image y component of model direction (dx, dy), scale not applied
     */
    public double directionY(double dx, double dy) {
        return sin * mirror * dx - cos * dy;
    }

    /** @return pixels per model millimetre */
    public double scale() {
        return scale;
    }
}
