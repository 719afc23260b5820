package io.github.boneage.djl.landmarks;

import java.util.Objects;

/**
 * The shape of a learned landmark network: a small fully convolutional encoder-decoder that maps a letterboxed grey
 * radiograph of {@code inputSize} x {@code inputSize} pixels to one heatmap per point at a quarter of the input
 * resolution (output stride 4).
 *
 * @param inputSize network input side in pixels (a multiple of 16)
 * @param width     channels of the first stage; the later stages use 2x, 4x and 6x this many
 * @param points    number of heatmaps (points) the network outputs
 */
public record LandmarkNetSpec(int inputSize, int width, int points) {

    /** Output stride: one heatmap cell covers this many input pixels. */
    public static final int STRIDE = 4;

    /**
     * Checks the sizes.
     *
     * @param inputSize network input side in pixels (a multiple of 16)
     * @param width channels of the first stage; the later stages use 2x, 4x and 6x this many
     * @param points number of heatmaps (points) the network outputs
     */
    public LandmarkNetSpec {
        if (inputSize < 32 || inputSize % 16 != 0) {
            throw new IllegalArgumentException("inputSize must be a multiple of 16 and at least 32, got " + inputSize);
        }
        if (width < 4 || width > 256) {
            throw new IllegalArgumentException("width must lie in [4, 256], got " + width);
        }
        if (points < 1) {
            throw new IllegalArgumentException("points must be at least 1, got " + points);
        }
    }

    /** @return the heatmap side in cells */
    public int heatmapSize() {
        return inputSize / STRIDE;
    }

    /** @return a short description for logs and manifests */
    public String describe() {
        return Objects.toString("landmark-unet(input=" + inputSize + ", width=" + width + ", points=" + points + ")");
    }
}
