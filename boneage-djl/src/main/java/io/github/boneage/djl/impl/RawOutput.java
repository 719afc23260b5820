package io.github.boneage.djl.impl;

import java.util.Arrays;

/**
 * A network's first output, copied off the engine.
 *
 * @param shape  its shape
 * @param values its values, row-major
 */
public record RawOutput(long[] shape, float[] values) {

    /** @return the shape as {@code [a, b]} */
    public String shapeText() {
        return Arrays.toString(shape);
    }
}
