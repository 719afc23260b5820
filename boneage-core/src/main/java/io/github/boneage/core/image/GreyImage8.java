package io.github.boneage.core.image;

import io.github.boneage.core.Roi;
import java.util.Objects;

/** An 8-bit grey image over a {@code byte[]} (samples are unsigned: read them with {@code & 0xFF}). */
public final class GreyImage8 implements GreyImage {

    private final int width;
    private final int height;
    private final byte[] data;

    /**
     * Creates a black image.
     *
     * @param width width in pixels
     * @param height height in pixels
     */
    public GreyImage8(int width, int height) {
        this(width, height, new byte[checkedArea(width, height)]);
    }

    /**
     * Wraps an existing array without copying.
     *
     * @param width width in pixels
     * @param height height in pixels
     * @param data the samples, row-major, {@code width * height} of them (kept, not copied)
     * @throws IllegalArgumentException if the array length is not {@code width * height}
     */
    public GreyImage8(int width, int height, byte[] data) {
        if (data.length != checkedArea(width, height)) {
            throw new IllegalArgumentException("data length " + data.length + " != " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.data = data;
    }

    static int checkedArea(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        long area = (long) width * height;
        if (area > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("image " + width + "x" + height + " is too large for one array");
        }
        return (int) area;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int bitDepth() {
        return 8;
    }

    /** @return the backing array (row-major, shared, not copied) */
    public byte[] data() {
        return data;
    }

    @Override
    public int get(int x, int y) {
        return data[index(x, y)] & 0xFF;
    }

    /**
     * Sets the sample at (x, y) to {@code value & 0xFF}.
     *
     * @param x column, 0-based
     * @param y row, 0-based
     * @param value the new sample value
     */
    public void set(int x, int y, int value) {
        data[index(x, y)] = (byte) value;
    }

    /** Checks both coordinates: an x past the row end would otherwise silently address the next row's pixel. */
    private int index(int x, int y) {
        return Objects.checkIndex(y, height) * width + Objects.checkIndex(x, width);
    }

    @Override
    public GreyImage8 crop(Roi roi) {
        checkInside(roi, width, height);
        GreyImage8 out = new GreyImage8(roi.width(), roi.height());
        for (int row = 0; row < roi.height(); row++) {
            System.arraycopy(data, (roi.y() + row) * width + roi.x(), out.data, row * roi.width(), roi.width());
        }
        return out;
    }

    static void checkInside(Roi roi, int width, int height) {
        if (!roi.fitsIn(width, height)) {
            throw new IllegalArgumentException("ROI " + roi + " is outside the " + width + "x" + height + " image");
        }
    }

    @Override
    public GreyImage8 createSameShape() {
        return new GreyImage8(width, height);
    }

    /** @return a deep copy */
    public GreyImage8 copy() {
        return new GreyImage8(width, height, data.clone());
    }
}
