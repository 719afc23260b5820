package io.github.boneage.clinical.uncertainty;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The fitted half-width rule for one target coverage.
 *
 * @param coverage the target coverage, in (0, 1)
 * @param q        the calibrated quantile of the scores: months for {@link IntervalMethod#ABSOLUTE}, a multiple of the
 *                 floored TTA spread for {@link IntervalMethod#SCALED}
 */
public record CalibrationLevel(@JsonProperty("coverage") double coverage, @JsonProperty("q") double q) {

    /**
     * @param coverage the target coverage, in (0, 1)
     * @param q the calibrated quantile of the scores: months for {@link IntervalMethod#ABSOLUTE}, a multiple of the
     *          floored TTA spread for {@link IntervalMethod#SCALED}
     * @throws IllegalArgumentException for a coverage outside (0, 1) or a negative or non-finite q
     */
    public CalibrationLevel {
        if (!(coverage > 0 && coverage < 1)) {
            throw new IllegalArgumentException("coverage must be in (0, 1), got " + coverage);
        }
        if (!(q >= 0) || Double.isInfinite(q)) {
            throw new IllegalArgumentException("calibrated quantile q must be finite and >= 0, got " + q);
        }
    }
}
