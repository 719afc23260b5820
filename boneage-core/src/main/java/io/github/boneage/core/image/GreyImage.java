package io.github.boneage.core.image;

import io.github.boneage.core.Roi;

/**
 * A single-channel image over a primitive array, row-major with no padding ({@code index = y * width + x}). Either
 * {@link GreyImage8} (8-bit) or {@link GreyImage16} (up to 16 significant bits, e.g. 12-bit DICOM), so bit depth is
 * never lost by widening or narrowing behind the caller's back.
 */
public sealed interface GreyImage permits GreyImage8, GreyImage16 {

    /** @return width in pixels */
    int width();

    /** @return height in pixels */
    int height();

    /** @return the number of significant bits per sample (8 for {@link GreyImage8}, 1..16 for {@link GreyImage16}) */
    int bitDepth();

    /** @return the largest value a sample can take, {@code (1 << bitDepth()) - 1} */
    default int maxValue() {
        return (1 << bitDepth()) - 1;
    }

    /**
     * @param x column, 0-based
     * @param y row, 0-based
     * @return the sample at column x, row y, as an unsigned value
     * @throws IndexOutOfBoundsException if (x, y) is outside the image
     */
    int get(int x, int y);

    /**
     * @param roi the rectangle, inside the image
     * @return a copy of the given rectangle, of the same type and bit depth
     */
    GreyImage crop(Roi roi);

    /** @return a new image of the same type, bit depth and size, all zero */
    GreyImage createSameShape();
}
