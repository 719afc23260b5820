package io.github.boneage.djl.train.data;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.djl.train.Augmentation;
import io.github.boneage.preprocess.PreprocessSpec;
import java.util.SplittableRandom;

/**
 * Writes prepared grey images into the network's float CHW layout with the spec's normalization
 * {@code (v / maxValue - mean[c]) / std[c]}, optionally through a random {@link Augmentation}. Thread-safe: it keeps
 * only immutable lookup tables.
 */
public final class TensorWriter {

    private final int channels;
    private final int size;
    private final double[] mean;
    private final double[] std;
    private final float[][] table8;

    /**
     * @param spec the preprocessing spec (channels, size, mean, std); {@code size} must be positive
     */
    public TensorWriter(PreprocessSpec spec) {
        if (spec.size() <= 0) {
            throw new IllegalArgumentException("training needs a fixed input size; PreprocessSpec.size is " + spec.size());
        }
        this.channels = spec.channels();
        this.size = spec.size();
        this.mean = spec.mean();
        this.std = spec.std();
        this.table8 = new float[channels][256];
        for (int c = 0; c < channels; c++) {
            for (int v = 0; v < 256; v++) {
                table8[c][v] = normalize(v / 255.0, c);
            }
        }
    }

    /** @return floats per image */
    public int imageFloats() {
        return channels * size * size;
    }

    private float normalize(double unit, int c) {
        return (float) ((unit - mean[c]) / std[c]);
    }

    /**
     * Writes an image unchanged.
     *
     * @param image  a {@code size x size} prepared image
     * @param dst    destination
     * @param offset where the image's first float goes
     */
    public void write(GreyImage image, float[] dst, int offset) {
        checkSize(image);
        int plane = size * size;
        if (image instanceof GreyImage8 g8) {
            byte[] data = g8.data();
            for (int c = 0; c < channels; c++) {
                float[] t = table8[c];
                int base = offset + c * plane;
                for (int i = 0; i < plane; i++) {
                    dst[base + i] = t[data[i] & 0xFF];
                }
            }
        } else {
            short[] data = ((GreyImage16) image).data();
            double max = image.maxValue();
            for (int c = 0; c < channels; c++) {
                int base = offset + c * plane;
                for (int i = 0; i < plane; i++) {
                    dst[base + i] = normalize((data[i] & 0xFFFF) / max, c);
                }
            }
        }
    }

    /**
     * Writes an image after a random geometric and photometric change drawn from {@code random}.
     *
     * @param image        a {@code size x size} prepared image
     * @param augmentation the ranges to draw from
     * @param random       the generator (one per image, derived from the run's seed and the image's position)
     * @param dst          destination
     * @param offset       where the image's first float goes
     */
    public void writeAugmented(GreyImage image, Augmentation augmentation, SplittableRandom random, float[] dst, int offset) {
        checkSize(image);
        double angle = Math.toRadians(uniform(random, augmentation.maxRotationDegrees()));
        double scale = 1 + uniform(random, augmentation.maxScaleDelta());
        double shiftX = uniform(random, augmentation.maxShiftFraction()) * size;
        double shiftY = uniform(random, augmentation.maxShiftFraction()) * size;
        double brightness = uniform(random, augmentation.maxBrightness());
        double contrast = 1 + uniform(random, augmentation.maxContrastDelta());
        boolean flip = augmentation.flipProbability() > 0 && random.nextDouble() < augmentation.flipProbability();

        // Inverse map: output pixel centre -> source position, rotating and scaling about the image centre.
        double cos = Math.cos(angle) / scale;
        double sin = Math.sin(angle) / scale;
        double centre = size / 2.0;
        double maxValue = image.maxValue();
        float[] scaleC = new float[channels];
        float[] offsetC = new float[channels];
        for (int c = 0; c < channels; c++) {
            scaleC[c] = (float) (1 / std[c]);
            offsetC[c] = (float) (-mean[c] / std[c]);
        }
        int plane = size * size;
        byte[] data8 = image instanceof GreyImage8 g8 ? g8.data() : null;
        short[] data16 = image instanceof GreyImage16 g16 ? g16.data() : null;
        int last = size - 1;
        for (int y = 0; y < size; y++) {
            double dy = y + 0.5 - centre - shiftY;
            for (int x = 0; x < size; x++) {
                double dx = (flip ? size - x - 0.5 : x + 0.5) - centre - shiftX;
                double sx = cos * dx + sin * dy + centre - 0.5;
                double sy = -sin * dx + cos * dy + centre - 0.5;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                int xa = clamp(x0, last);
                int xb = clamp(x0 + 1, last);
                int ya = clamp(y0, last) * size;
                int yb = clamp(y0 + 1, last) * size;
                double v00;
                double v01;
                double v10;
                double v11;
                if (data8 != null) {
                    v00 = data8[ya + xa] & 0xFF;
                    v01 = data8[ya + xb] & 0xFF;
                    v10 = data8[yb + xa] & 0xFF;
                    v11 = data8[yb + xb] & 0xFF;
                } else {
                    v00 = data16[ya + xa] & 0xFFFF;
                    v01 = data16[ya + xb] & 0xFFFF;
                    v10 = data16[yb + xa] & 0xFFFF;
                    v11 = data16[yb + xb] & 0xFFFF;
                }
                double top = v00 + (v01 - v00) * fx;
                double bottom = v10 + (v11 - v10) * fx;
                double unit = (top + (bottom - top) * fy) / maxValue;
                unit = (unit - 0.5) * contrast + 0.5 + brightness;
                float u = (float) Math.min(1, Math.max(0, unit));
                int index = offset + y * size + x;
                for (int c = 0; c < channels; c++) {
                    dst[index + c * plane] = u * scaleC[c] + offsetC[c];
                }
            }
        }
    }

    private static int clamp(int v, int last) {
        return v < 0 ? 0 : Math.min(v, last);
    }

    private static double uniform(SplittableRandom random, double halfRange) {
        return halfRange == 0 ? 0 : (random.nextDouble() * 2 - 1) * halfRange;
    }

    private void checkSize(GreyImage image) {
        if (image.width() != size || image.height() != size) {
            throw new IllegalArgumentException("image is " + image.width() + "x" + image.height() + ", expected " + size + "x" + size);
        }
    }
}
