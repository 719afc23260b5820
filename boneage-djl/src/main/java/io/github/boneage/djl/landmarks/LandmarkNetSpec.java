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
 * @param maskHead  whether the network also outputs a hand mask: one more channel, after the heatmaps, trained
 *                  towards 1 on the hand and 0 elsewhere
 */
public record LandmarkNetSpec(int inputSize, int width, int points, boolean maskHead) {

    /**
     * A network without a mask head.
     *
     * @param inputSize network input side in pixels (a multiple of 16)
     * @param width channels of the first stage
     * @param points number of heatmaps the network outputs
     */
    public LandmarkNetSpec(int inputSize, int width, int points) {
        this(inputSize, width, points, false);
    }

    /** Output stride: one heatmap cell covers this many input pixels. */
    public static final int STRIDE = 4;

    /**
     * Checks the sizes.
     *
     * @param inputSize network input side in pixels (a multiple of 16)
     * @param width channels of the first stage; the later stages use 2x, 4x and 6x this many
     * @param points number of heatmaps (points) the network outputs
     * @param maskHead whether the network also outputs a hand mask channel
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

    /** @return channels the network outputs: the heatmaps, then the hand mask when there is a mask head */
    public int outputs() {
        return points + (maskHead ? 1 : 0);
    }

    /**
     * @return this network with a mask head (the trunk and heatmap head unchanged, so their weights carry over)
     */
    public LandmarkNetSpec withMaskHead() {
        return new LandmarkNetSpec(inputSize, width, points, true);
    }

    /** @return a short description for logs and manifests */
    public String describe() {
        return Objects.toString("landmark-unet(input=" + inputSize + ", width=" + width + ", points=" + points
                + (maskHead ? ", mask head" : "") + ")");
    }
}
