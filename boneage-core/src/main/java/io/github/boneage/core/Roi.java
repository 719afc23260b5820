package io.github.boneage.core;

/**
 * An axis-aligned rectangle of whole pixels inside an image: columns {@code x .. x+width-1}, rows
 * {@code y .. y+height-1}.
 *
 * @param x      left column (inclusive)
 * @param y      top row (inclusive)
 * @param width  width in pixels, at least 1
 * @param height height in pixels, at least 1
 */
public record Roi(int x, int y, int width, int height) {

    /**
     * @param x left column (inclusive)
     * @param y top row (inclusive)
     * @param width width in pixels, at least 1
     * @param height height in pixels, at least 1
     * @throws IllegalArgumentException for a negative origin or an empty size
     */
    public Roi {
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new IllegalArgumentException("invalid ROI x=" + x + " y=" + y + " width=" + width + " height=" + height);
        }
    }

    /**
     * @param imageWidth the image's width in pixels
     * @param imageHeight the image's height in pixels
     * @return the ROI covering a whole image of the given size
     */
    public static Roi whole(int imageWidth, int imageHeight) {
        return new Roi(0, 0, imageWidth, imageHeight);
    }

    /**
     * The smallest whole-pixel rectangle containing the real-valued box, clamped to the image.
     *
     * @param minX left edge of the box, in pixels
     * @param minY top edge of the box, in pixels
     * @param maxX right edge of the box, in pixels
     * @param maxY bottom edge of the box, in pixels
     * @param imageWidth the image's width in pixels, which the rectangle is clamped to
     * @param imageHeight the image's height in pixels, which the rectangle is clamped to
     * @return the clamped rectangle; never empty (at least one pixel)
     */
    public static Roi enclosing(double minX, double minY, double maxX, double maxY, int imageWidth, int imageHeight) {
        int x0 = clamp((int) Math.floor(minX), 0, imageWidth - 1);
        int y0 = clamp((int) Math.floor(minY), 0, imageHeight - 1);
        int x1 = clamp((int) Math.ceil(maxX), x0 + 1, imageWidth);
        int y1 = clamp((int) Math.ceil(maxY), y0 + 1, imageHeight);
        return new Roi(x0, y0, x1 - x0, y1 - y0);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** @return one past the right-most column */
    public int maxX() {
        return x + width;
    }

    /** @return one past the bottom row */
    public int maxY() {
        return y + height;
    }

    /**
     * @param imageWidth the image's width in pixels
     * @param imageHeight the image's height in pixels
     * @return whether this rectangle lies inside an image of the given size
     */
    public boolean fitsIn(int imageWidth, int imageHeight) {
        return maxX() <= imageWidth && maxY() <= imageHeight;
    }

    /**
     * @param other another rectangle
     * @return whether every pixel of {@code other} is also a pixel of this rectangle
     */
    public boolean contains(Roi other) {
        return other.x >= x && other.y >= y && other.maxX() <= maxX() && other.maxY() <= maxY();
    }

    /**
     * @param other another rectangle
     * @return intersection over union with {@code other}, in [0, 1]
     */
    public double iou(Roi other) {
        long ix = Math.max(0, Math.min(maxX(), other.maxX()) - Math.max(x, other.x));
        long iy = Math.max(0, Math.min(maxY(), other.maxY()) - Math.max(y, other.y));
        long inter = ix * iy;
        long union = (long) width * height + (long) other.width * other.height - inter;
        return (double) inter / union;
    }
}
