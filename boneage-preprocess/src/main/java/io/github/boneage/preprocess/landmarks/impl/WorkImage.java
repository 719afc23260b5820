package io.github.boneage.preprocess.landmarks.impl;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;

/**
 * A radiograph reduced for analysis: means of {@code factor x factor} blocks on an 8-bit scale (16-bit images keep
 * their top 8 significant bits). Working pixel {@code (i, j)} covers original pixels
 * {@code [i*factor, (i+1)*factor) x [j*factor, (j+1)*factor)}, so a working coordinate maps back by multiplying by
 * {@code factor}; partial blocks at the right and bottom average the pixels they have.
 */
public final class WorkImage {

    private final int[] values;
    private final int width;
    private final int height;
    private final int factor;

    private WorkImage(int[] values, int width, int height, int factor) {
        this.values = values;
        this.width = width;
        this.height = height;
        this.factor = factor;
    }

    /**
     * @param image      the radiograph
     * @param targetSide the wanted longer side of the reduced image; the integer factor nearest to reaching it is used
     * @return the reduced image
     */
    public static WorkImage reduce(GreyImage image, int targetSide) {
        int longSide = Math.max(image.width(), image.height());
        int factor = Math.max(1, Math.round(longSide / (float) targetSide));
        int w = (image.width() + factor - 1) / factor;
        int h = (image.height() + factor - 1) / factor;
        int shift = Math.max(0, image.bitDepth() - 8);
        int scaleUp = image.bitDepth() < 8 ? 8 - image.bitDepth() : 0;
        long[] sums = new long[w * h];
        int[] counts = new int[w * h];
        int width = image.width();
        int[] row = new int[width];
        for (int y = 0; y < image.height(); y++) {
            readRow(image, y, row);
            int base = (y / factor) * w;
            for (int x = 0; x < width; x++) {
                sums[base + x / factor] += row[x];
                counts[base + x / factor]++;
            }
        }
        int[] out = new int[w * h];
        for (int i = 0; i < out.length; i++) {
            int mean = (int) (sums[i] / counts[i]);
            out[i] = Math.min(255, (mean >> shift) << scaleUp);
        }
        return new WorkImage(out, w, h, factor);
    }

    private static void readRow(GreyImage image, int y, int[] row) {
        int offset = y * image.width();
        if (image instanceof GreyImage8 g8) {
            byte[] data = g8.data();
            for (int x = 0; x < row.length; x++) {
                row[x] = data[offset + x] & 0xFF;
            }
        } else {
            short[] data = ((GreyImage16) image).data();
            for (int x = 0; x < row.length; x++) {
                row[x] = data[offset + x] & 0xFFFF;
            }
        }
    }

    /** Replaces every value v by 255 - v: reads an inverted (bone dark) radiograph the usual way round. */
    public void invert() {
        for (int i = 0; i < values.length; i++) {
            values[i] = 255 - values[i];
        }
    }

    /** @return the values, row-major, 0..255 (shared, not copied) */
    public int[] values() {
        return values;
    }

    /** @return width in working pixels */
    public int width() {
        return width;
    }

    /** @return height in working pixels */
    public int height() {
        return height;
    }

    /** @return original pixels per working pixel, along each axis */
    public int factor() {
        return factor;
    }
}
