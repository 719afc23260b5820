package io.github.boneage.djl.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * The image input tensor: float32, {@code [N, channels, height, width]}. Its values are the preprocessed image,
 * normalized with the preprocessing spec's {@code mean} and {@code std}; height and width equal the spec's
 * {@code size} and channels its {@code channels}.
 *
 * @param name     the input's name in the graph (ONNX input name; informative for TorchScript, whose inputs are positional)
 * @param layout   {@code NCHW} (the only layout of format version 1)
 * @param channels 1 or 3
 * @param height   rows
 * @param width    columns
 */
public record InputSpec(@JsonProperty(required = true) String name, @JsonProperty(required = true) String layout, @JsonProperty(required = true) int channels, @JsonProperty(required = true) int height,
        @JsonProperty(required = true) int width) {

    /** The only tensor layout of format version 1. */
    public static final String NCHW = "NCHW";

    /**
     * Requires a name and a layout.
     *
     * @param name the input's name in the graph (ONNX input name; informative for TorchScript, whose inputs are
     *             positional)
     * @param layout {@code NCHW} (the only layout of format version 1)
     * @param channels 1 or 3
     * @param height rows
     * @param width columns
     */
    public InputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(layout, "layout");
    }

    /**
     * @param channels the number of channels, 1 or 3
     * @param height the input height in pixels
     * @param width the input width in pixels
     * @return an {@code NCHW} input named {@code image}
     */
    public static InputSpec image(int channels, int height, int width) {
        return new InputSpec("image", NCHW, channels, height, width);
    }

    /** @return the number of floats per image, {@code channels * height * width} */
    public int valuesPerImage() {
        return channels * height * width;
    }
}
