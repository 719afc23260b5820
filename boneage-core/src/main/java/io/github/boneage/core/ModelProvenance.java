package io.github.boneage.core;

import java.util.Map;

/**
 * Where a model came from, in the spirit of Tribuo's provenance: enough to reproduce it and to judge its figures.
 *
 * @param trainingData      the data it was trained on (name, size, origin)
 * @param split             how training and validation data were split (seed, fractions or counts)
 * @param trainerSettings   solver, loss, epochs, learning rates, augmentation, etc.
 * @param validationMetrics figures measured on held-out images only, e.g. {@code mad}, {@code ccc}
 * @param libraryVersion    the boneage version that produced the model
 * @param createdAt         ISO-8601 timestamp
 */
public record ModelProvenance(
        String trainingData,
        String split,
        Map<String, String> trainerSettings,
        Map<String, Double> validationMetrics,
        String libraryVersion,
        String createdAt) {

    /**
     * Copies the maps so the record stays immutable.
     *
     * @param trainingData the data it was trained on (name, size, origin)
     * @param split how training and validation data were split (seed, fractions or counts)
     * @param trainerSettings solver, loss, epochs, learning rates, augmentation, etc.
     * @param validationMetrics figures measured on held-out images only, e.g. {@code mad}, {@code ccc}
     * @param libraryVersion the boneage version that produced the model
     * @param createdAt ISO-8601 timestamp
     */
    public ModelProvenance {
        trainerSettings = trainerSettings == null ? Map.of() : Map.copyOf(trainerSettings);
        validationMetrics = validationMetrics == null ? Map.of() : Map.copyOf(validationMetrics);
    }

    /** @return provenance for a model whose origin is not recorded */
    public static ModelProvenance unknown() {
        return new ModelProvenance("unknown", "unknown", Map.of(), Map.of(), "unknown", "unknown");
    }
}
