package io.github.boneage.core.image;

import io.github.boneage.core.Roi;
import java.util.Objects;

/**
 * A grey image of up to 16 significant bits over a {@code short[]} (samples are unsigned: read them with
 * {@code & 0xFFFF}). {@link #bitDepth()} records how many bits are significant (12 for a typical CR/DX radiograph), so
 * equalizers and tensor normalization use the real range.
 */
public final class GreyImage16 implements GreyImage {

    private final int width;
    private final int height;
    private final int bitDepth;
    private final short[] data;

    /**
     * Creates a black image with the given number of significant bits (1..16).
     *
     * @param width width in pixels
     * @param height height in pixels
     * @param bitDepth number of significant bits, 1..16
     */
    public GreyImage16(int width, int height, int bitDepth) {
        this(width, height, bitDepth, new short[GreyImage8.checkedArea(width, height)]);
    }

    /**
     * Wraps an existing array without copying.
     *
     * @param width width in pixels
     * @param height height in pixels
     * @param bitDepth number of significant bits, 1..16
     * @param data the samples, row-major, {@code width * height} of them (kept, not copied)
     * @throws IllegalArgumentException if the array length is not {@code width * height} or the bit depth is not 1..16
     */
    public GreyImage16(int width, int height, int bitDepth, short[] data) {
        if (data.length != GreyImage8.checkedArea(width, height)) {
            throw new IllegalArgumentException("data length " + data.length + " != " + width + "x" + height);
        }
        if (bitDepth < 1 || bitDepth > 16) {
            throw new IllegalArgumentException("bit depth must be 1..16, got " + bitDepth);
        }
        this.width = width;
        this.height = height;
        this.bitDepth = bitDepth;
        this.data = data;
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
        return bitDepth;
    }

    /** @return the backing array (row-major, shared, not copied) */
    public short[] data() {
        return data;
    }

    @Override
    public int get(int x, int y) {
        return data[index(x, y)] & 0xFFFF;
    }

    /**
     * Sets the sample at (x, y) to {@code value & 0xFFFF}.
     *
     * @param x column, 0-based
     * @param y row, 0-based
     * @param value the new sample value
     */
    public void set(int x, int y, int value) {
        data[index(x, y)] = (short) value;
    }

    /** Checks both coordinates: an x past the row end would otherwise silently address the next row's pixel. */
    private int index(int x, int y) {
        return Objects.checkIndex(y, height) * width + Objects.checkIndex(x, width);
    }

    @Override
    public GreyImage16 crop(Roi roi) {
        GreyImage8.checkInside(roi, width, height);
        GreyImage16 out = new GreyImage16(roi.width(), roi.height(), bitDepth);
        for (int row = 0; row < roi.height(); row++) {
            System.arraycopy(data, (roi.y() + row) * width + roi.x(), out.data, row * roi.width(), roi.width());
        }
        return out;
    }

    @Override
    public GreyImage16 createSameShape() {
        return new GreyImage16(width, height, bitDepth);
    }

    /** @return a deep copy */
    public GreyImage16 copy() {
        return new GreyImage16(width, height, bitDepth, data.clone());
    }
}
