package io.github.boneage.preprocess.equalize;

import io.github.boneage.core.Equalizer;
import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;

/**
 * An equalizer that maps every grey level through one table computed from the image's histogram (global histogram
 * equalization and relatives). Exposing the table lets the preprocessor fuse equalization into the resize instead of
 * writing an equalized copy of a large crop.
 */
public abstract class LookupTableEqualizer implements Equalizer {

    /** For subclasses. */
    protected LookupTableEqualizer() {
    }

    /**
     * Computes the grey-level mapping from a full-depth histogram.
     *
     * @param histogram {@code 1 << bitDepth} counts (entry v: number of samples equal to v), not all zero; not modified
     * @param bitDepth  the image's bit depth (8 for {@link GreyImage8})
     * @return a new table of {@code 1 << bitDepth} output levels, each in {@code [0, 2^bitDepth - 1]}
     */
    public abstract int[] lookupTable(int[] histogram, int bitDepth);

    @Override
    public void apply(GreyImage8 src, GreyImage8 dst) {
        ImageChecks.requireSameShape(src, dst);
        int[] lut = lookupTable(Histograms.of(src), 8);
        map(src.data(), 0, src.width(), src.width(), src.height(), lut, dst.data());
    }

    @Override
    public void apply(GreyImage16 src, GreyImage16 dst) {
        ImageChecks.requireSameShape(src, dst);
        int[] lut = lookupTable(Histograms.of(src), src.bitDepth());
        map(src.data(), 0, src.width(), src.width(), src.height(), lut, dst.data());
    }

    /**
     * Equalizes one rectangle of an image as if it had been cropped first (its own histogram), without the copy.
     *
     * @param image  the whole image
     * @param region the rectangle, inside the image
     * @return a new image of the region's size, type and bit depth
     * @throws IllegalArgumentException if the region is outside the image or a sample exceeds the bit depth
     */
    public GreyImage applyToRegion(GreyImage image, Roi region) {
        int[] lut = lookupTable(Histograms.of(image, region), image.bitDepth());
        int offset = region.y() * image.width() + region.x();
        if (image instanceof GreyImage8 g8) {
            GreyImage8 out = new GreyImage8(region.width(), region.height());
            map(g8.data(), offset, g8.width(), region.width(), region.height(), lut, out.data());
            return out;
        }
        GreyImage16 g16 = (GreyImage16) image;
        GreyImage16 out = new GreyImage16(region.width(), region.height(), g16.bitDepth());
        map(g16.data(), offset, g16.width(), region.width(), region.height(), lut, out.data());
        return out;
    }

    private static void map(byte[] src, int offset, int stride, int width, int height, int[] lut, byte[] dst) {
        byte[] table = new byte[256];
        for (int v = 0; v < 256; v++) {
            table[v] = (byte) lut[v];
        }
        for (int y = 0; y < height; y++) {
            int s = offset + y * stride;
            int d = y * width;
            for (int x = 0; x < width; x++) {
                dst[d + x] = table[src[s + x] & 0xFF];
            }
        }
    }

    private static void map(short[] src, int offset, int stride, int width, int height, int[] lut, short[] dst) {
        for (int y = 0; y < height; y++) {
            int s = offset + y * stride;
            int d = y * width;
            for (int x = 0; x < width; x++) {
                dst[d + x] = (short) lut[src[s + x] & 0xFFFF];
            }
        }
    }

    /** @throws IllegalArgumentException unless the histogram has {@code 1 << bitDepth} bins */
    static void requireBins(int[] histogram, int bitDepth) {
        if (bitDepth < 1 || bitDepth > 16 || histogram.length != 1 << bitDepth) {
            throw new IllegalArgumentException("a " + bitDepth + "-bit histogram needs " + (1L << Math.max(0, Math.min(bitDepth, 16)))
                    + " bins, got " + histogram.length);
        }
    }
}
