package io.github.boneage.preprocess;

import io.github.boneage.core.RoiScheme;
import java.util.Objects;

/**
 * Everything that turns a radiograph into a model input, recorded in a model bundle so that inference reproduces
 * training bit for bit. Serialized as JSON by {@link PreprocessSpecJson}.
 *
 * <p>Order of operations: ROI crop (on the original image) &rarr; equalize (on the crop) &rarr; resize to
 * {@code size x size} (bilinear when enlarging, area averaging when shrinking; {@code size == 0} keeps the crop's
 * size) &rarr; grey replicated to {@code channels} &rarr; float CHW tensor: {@code (v / maxValue - mean[c]) / std[c]}.
 *
 * @param roi       the ROI scheme
 * @param equalizer the equalizer
 * @param size      output side length in pixels, or 0 to keep the crop's size
 * @param channels  1 or 3
 * @param mean      per-channel mean subtracted after scaling to [0, 1] ({@code channels} entries)
 * @param std       per-channel standard deviation divided by after that ({@code channels} entries)
 */
public record PreprocessSpec(RoiScheme roi, EqualizerSpec equalizer, int size, int channels, double[] mean, double[] std) {

    /** ImageNet channel means, for backbones pretrained on it. */
    public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    /** ImageNet channel standard deviations. */
    public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

    /**
     * Validates the fields.
     *
     * @param roi the ROI scheme
     * @param equalizer the equalizer
     * @param size output side length in pixels, or 0 to keep the crop's size
     * @param channels 1 or 3
     * @param mean per-channel mean subtracted after scaling to [0, 1] ({@code channels} entries)
     * @param std per-channel standard deviation divided by after that ({@code channels} entries)
     */
    public PreprocessSpec {
        Objects.requireNonNull(roi, "roi");
        Objects.requireNonNull(equalizer, "equalizer");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (mean == null || std == null || mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("mean and std need " + channels + " entries each");
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std entries must be > 0, got " + s);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * The papers' recipe: ROI, MATLAB {@code histeq}, grey to 3 channels, resized; ImageNet normalization.
     *
     * @param roi  the ROI scheme
     * @param size 224 (GoogLeNet, ResNet) or 227 (CaffeNet)
     * @return the spec
     */
    public static PreprocessSpec paper(RoiScheme roi, int size) {
        return new PreprocessSpec(roi, EqualizerSpec.histeqMatlab(), size, 3, IMAGENET_MEAN, IMAGENET_STD);
    }

    /** @return the per-channel means (a copy) */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /** @return the per-channel standard deviations (a copy) */
    @Override
    public double[] std() {
        return std.clone();
    }

    /**
     * @param newRoi the ROI scheme of the copy
     * @return a copy with another ROI scheme
     */
    public PreprocessSpec withRoi(RoiScheme newRoi) {
        return new PreprocessSpec(newRoi, equalizer, size, channels, mean, std);
    }

    /**
     * @param newEqualizer the equalizer of the copy
     * @return a copy with another equalizer
     */
    public PreprocessSpec withEqualizer(EqualizerSpec newEqualizer) {
        return new PreprocessSpec(roi, newEqualizer, size, channels, mean, std);
    }

    /**
     * @param newSize the output side length of the copy, in pixels (0 keeps the crop's size)
     * @return a copy with another output size
     */
    public PreprocessSpec withSize(int newSize) {
        return new PreprocessSpec(roi, equalizer, newSize, channels, mean, std);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessSpec s && roi == s.roi && equalizer.equals(s.equalizer) && size == s.size
                && channels == s.channels && java.util.Arrays.equals(mean, s.mean) && java.util.Arrays.equals(std, s.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(roi, equalizer, size, channels, java.util.Arrays.hashCode(mean), java.util.Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "PreprocessSpec[roi=" + roi.label() + ", equalizer=" + equalizer + ", size=" + size + ", channels=" + channels
                + ", mean=" + java.util.Arrays.toString(mean) + ", std=" + java.util.Arrays.toString(std) + "]";
    }
}
