package io.github.boneage.clinical.impl;

/**
 * Hot loops that resample a grey image through a rigid transform (rotation about the image centre, shift, optional
 * horizontal mirror) with bilinear interpolation. Coordinates follow core's convention: the origin is the top-left
 * corner of the top-left pixel, so pixel (i, j) has its centre at (i + 0.5, j + 0.5).
 *
 * <p>Each output pixel centre is mapped back through the inverse transform and the source is sampled there; samples
 * outside the image repeat the nearest edge pixel, so a warp never invents black corners that a model could read as
 * background or collimation. With no rotation and no shift every output centre maps exactly onto a source centre
 * (all the arithmetic is on half-integers, exact in binary), so the identity and a double mirror reproduce the input
 * bit for bit.
 */
public final class BilinearWarp {

    private final int width;
    private final int height;
    private final double cos;
    private final double sin;
    private final double shiftX;
    private final double shiftY;
    private final boolean mirror;

    /**
     * @param width           image width in pixels
     * @param height          image height in pixels
     * @param rotationDegrees rotation about the image centre; positive turns the picture clockwise as displayed
     *                        (the y axis points down)
     * @param shiftX          shift to the right, in pixels, applied after the rotation
     * @param shiftY          shift down, in pixels, applied after the rotation
     * @param mirror          whether the image is mirrored left-right before rotating and shifting
     */
    public BilinearWarp(int width, int height, double rotationDegrees, double shiftX, double shiftY, boolean mirror) {
        this.width = width;
        this.height = height;
        double radians = Math.toRadians(rotationDegrees);
        // Exact zeros keep the identity exact (Math.cos(0) is 1, Math.sin(0) is 0).
        this.cos = rotationDegrees == 0 ? 1 : Math.cos(radians);
        this.sin = rotationDegrees == 0 ? 0 : Math.sin(radians);
        this.shiftX = shiftX;
        this.shiftY = shiftY;
        this.mirror = mirror;
    }

    /**
     * @param x source x, in pixels
     * @param y source y, in pixels
     * @return the x coordinate a source point (x, y) moves to
     */
    public double forwardX(double x, double y) {
        double fx = mirror ? width - x : x;
        double dx = fx - width / 2.0;
        double dy = y - height / 2.0;
        return cos * dx - sin * dy + width / 2.0 + shiftX;
    }

    /**
     * @param x source x, in pixels
     * @param y source y, in pixels
     * @return the y coordinate a source point (x, y) moves to
     */
    public double forwardY(double x, double y) {
        double fx = mirror ? width - x : x;
        double dx = fx - width / 2.0;
        double dy = y - height / 2.0;
        return sin * dx + cos * dy + height / 2.0 + shiftY;
    }

    /**
     * Warps an 8-bit image.
     *
     * @param src source samples, {@code width * height}, row-major
     * @param dst destination samples, same size; must not be {@code src}
     */
    public void apply(byte[] src, byte[] dst) {
        checkArrays(src.length, dst.length, src == dst);
        double[] at = new double[2];
        for (int v = 0; v < height; v++) {
            for (int u = 0; u < width; u++) {
                sourceOf(u, v, at);
                dst[v * width + u] = (byte) sample8(src, at[0], at[1]);
            }
        }
    }

    /**
     * Warps a 16-bit image (unsigned samples).
     *
     * @param src source samples, {@code width * height}, row-major
     * @param dst destination samples, same size; must not be {@code src}
     */
    public void apply(short[] src, short[] dst) {
        checkArrays(src.length, dst.length, src == dst);
        double[] at = new double[2];
        for (int v = 0; v < height; v++) {
            for (int u = 0; u < width; u++) {
                sourceOf(u, v, at);
                dst[v * width + u] = (short) sample16(src, at[0], at[1]);
            }
        }
    }

    private void checkArrays(int srcLength, int dstLength, boolean same) {
        int area = width * height;
        if (srcLength != area || dstLength != area) {
            throw new IllegalArgumentException("arrays of " + srcLength + " and " + dstLength + " samples for a "
                    + width + "x" + height + " warp");
        }
        if (same) {
            throw new IllegalArgumentException("a warp cannot write into its own source array");
        }
    }

    /** Maps the centre of output pixel (u, v) back to source sample coordinates (pixel centres at integers). */
    private void sourceOf(int u, int v, double[] out) {
        double dx = u + 0.5 - width / 2.0 - shiftX;
        double dy = v + 0.5 - height / 2.0 - shiftY;
        double x = cos * dx + sin * dy + width / 2.0;
        double y = -sin * dx + cos * dy + height / 2.0;
        if (mirror) {
            x = width - x;
        }
        out[0] = x - 0.5;
        out[1] = y - 0.5;
    }

    private int sample8(byte[] src, double x, double y) {
        int x0 = clamp((int) Math.floor(x), width);
        int y0 = clamp((int) Math.floor(y), height);
        int x1 = clamp((int) Math.floor(x) + 1, width);
        int y1 = clamp((int) Math.floor(y) + 1, height);
        double fx = x - Math.floor(x);
        double fy = y - Math.floor(y);
        double top = (src[y0 * width + x0] & 0xFF) * (1 - fx) + (src[y0 * width + x1] & 0xFF) * fx;
        double bottom = (src[y1 * width + x0] & 0xFF) * (1 - fx) + (src[y1 * width + x1] & 0xFF) * fx;
        return (int) (top * (1 - fy) + bottom * fy + 0.5);
    }

    private int sample16(short[] src, double x, double y) {
        int x0 = clamp((int) Math.floor(x), width);
        int y0 = clamp((int) Math.floor(y), height);
        int x1 = clamp((int) Math.floor(x) + 1, width);
        int y1 = clamp((int) Math.floor(y) + 1, height);
        double fx = x - Math.floor(x);
        double fy = y - Math.floor(y);
        double top = (src[y0 * width + x0] & 0xFFFF) * (1 - fx) + (src[y0 * width + x1] & 0xFFFF) * fx;
        double bottom = (src[y1 * width + x0] & 0xFFFF) * (1 - fx) + (src[y1 * width + x1] & 0xFFFF) * fx;
        return (int) (top * (1 - fy) + bottom * fy + 0.5);
    }

    private static int clamp(int i, int size) {
        return i < 0 ? 0 : i >= size ? size - 1 : i;
    }
}
