package io.github.boneage.spark.impl;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * How every executor builds its pipeline; sent from the driver with each task, and the key of the per-JVM pipeline
 * cache ({@link ExecutorPipelines}).
 *
 * @param model          where the model comes from
 * @param expectedDigest the model digest the driver saw; an executor that finds another model refuses to score
 * @param predictors     predictors per network in the JVM's one estimator: how many task threads may run a forward
 *                       pass at once
 * @param batchSize      images stacked into one forward pass
 * @param uncertainty    whether estimates carry the calibrated interval (test-time augmentation)
 * @param coverage       the interval's coverage, one of the calibration's levels
 * @param qualityGate    whether the pipeline's gate runs (on unless the user turned it off)
 * @serial exclude
 */
public record PipelineSettings(ModelSource model, String expectedDigest, int predictors, int batchSize,
        boolean uncertainty, double coverage, boolean qualityGate) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Checks the fields.
     *
     * @param model          where the executors load the model from
     * @param expectedDigest the model digest the driver saw; an executor that loads another refuses to score
     * @param predictors     predictors per executor JVM
     * @param batchSize      images stacked into one forward pass
     * @param uncertainty    whether estimates carry the calibrated interval (test-time augmentation)
     * @param coverage       the interval's coverage, one of the calibration's levels
     * @param qualityGate    whether the pipeline's gate runs
     */
    public PipelineSettings {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(expectedDigest, "expectedDigest");
        if (predictors < 1) {
            throw new IllegalArgumentException("predictors must be >= 1, got " + predictors);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
    }

    /** @return the cache key: two tasks with equal keys share one pipeline in a JVM */
    String key() {
        return String.format(Locale.ROOT, "%s|%s|p%d|b%d|u%s:%s|g%s", model.describe(), expectedDigest, predictors, batchSize,
                uncertainty, coverage, qualityGate);
    }
}
