package io.github.boneage.clinical.report;

import io.github.boneage.core.Roi;
import java.util.Objects;

/**
 * An explanation heatmap over part of a radiograph: a grid of importance values (any scale; higher means more
 * important) stretched over {@code roi} of the original image.
 *
 * @param width  grid columns
 * @param height grid rows
 * @param values row-major values, {@code width * height} of them, all finite
 * @param roi    the rectangle of the radiograph the grid covers
 * @param method how it was made, e.g. {@code occlusion sensitivity, 16 px patches}
 */
public record Heatmap(int width, int height, float[] values, Roi roi, String method) {

    /**
     * @param width grid columns
     * @param height grid rows
     * @param values row-major values, {@code width * height} of them, all finite
     * @param roi the rectangle of the radiograph the grid covers
     * @param method how it was made, e.g. {@code occlusion sensitivity, 16 px patches}
     * @throws IllegalArgumentException when the grid size and the values disagree or a value is not finite
     */
    public Heatmap {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(roi, "roi");
        Objects.requireNonNull(method, "method");
        if (width < 1 || height < 1 || values.length != width * height) {
            throw new IllegalArgumentException("heatmap " + width + "x" + height + " needs " + width * height
                    + " values, got " + values.length);
        }
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("heatmap values must be finite");
            }
        }
    }
}
