package io.github.boneage.core.metrics;

import java.util.Objects;

/**
 * The metrics of the pairs whose reference age lies in one {@link AgeBand}; {@link AgeMetrics#meanError()} is the
 * band's bias (positive when estimates are too old).
 *
 * @param band    the reference-age band
 * @param metrics the metrics of its pairs
 */
public record BandMetrics(AgeBand band, AgeMetrics metrics) {

    /**
     * @param band    the reference-age band
     * @param metrics the metrics of its pairs
     */
    public BandMetrics {
        Objects.requireNonNull(band, "band");
        Objects.requireNonNull(metrics, "metrics");
    }
}
