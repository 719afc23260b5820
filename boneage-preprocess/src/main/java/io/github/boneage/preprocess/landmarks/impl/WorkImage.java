package io.github.boneage.preprocess.landmarks.impl;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.preprocess.geometry.Resampler;

/**
 * A radiograph resampled for analysis to a fixed longer side (area averaging when shrinking, bilinear when growing,
 * aspect ratio kept), on an 8-bit scale (16-bit images keep their top 8 significant bits). Working coordinate
 * {@code (x, y)} (pixel edges, as everywhere) maps back to {@code (x * scaleX, y * scaleY)}. Analysing at one size
 * keeps every pixel-sized constant of the analysis at the same scale whatever the input resolution.
 */
public final class WorkImage {

    private final int[] values;
    private final int width;
    private final int height;
    private final double scaleX;
    private final double scaleY;

    private WorkImage(int[] values, int width, int height, double scaleX, double scaleY) {
        this.values = values;
        this.width = width;
        this.height = height;
        this.scaleX = scaleX;
        this.scaleY = scaleY;
    }

    /**
     * @param image      the radiograph
     * @param targetSide the longer side of the working image
     * @return the resampled image
     */
    public static WorkImage reduce(GreyImage image, int targetSide) {
        double ratio = targetSide / (double) Math.max(image.width(), image.height());
        int w = Math.max(1, (int) Math.round(image.width() * ratio));
        int h = Math.max(1, (int) Math.round(image.height() * ratio));
        GreyImage small = Resampler.resize(image, w, h);
        int[] out = new int[w * h];
        if (small instanceof GreyImage8 g8) {
            byte[] data = g8.data();
            for (int i = 0; i < out.length; i++) {
                out[i] = data[i] & 0xFF;
            }
        } else {
            GreyImage16 g16 = (GreyImage16) small;
            short[] data = g16.data();
            int shift = Math.max(0, g16.bitDepth() - 8);
            int scaleUp = g16.bitDepth() < 8 ? 8 - g16.bitDepth() : 0;
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.min(255, ((data[i] & 0xFFFF) >> shift) << scaleUp);
            }
        }
        return new WorkImage(out, w, h, image.width() / (double) w, image.height() / (double) h);
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

    /** @return original pixels per working pixel, horizontally */
    public double scaleX() {
        return scaleX;
    }

    /** @return original pixels per working pixel, vertically */
    public double scaleY() {
        return scaleY;
    }
}
