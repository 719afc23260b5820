package io.github.boneage.clinical.uncertainty;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a calibrated interval is built around the point estimate. Both are split-conformal rules: the half-width is an
 * order statistic of the calibration set's scores, which gives at least the target coverage on new images exchangeable
 * with the calibration images, whatever the model's error distribution.
 */
public enum IntervalMethod {
    /** Score {@code |truth - point|}; interval {@code point ± q} months: the same width for every image. */
    @JsonProperty("absolute")
    ABSOLUTE,
    /**
     * Score {@code |truth - point| / max(spread, minSpread)}; interval {@code point ± q·max(spread, minSpread)}: wider
     * where the augmented predictions disagree. The floor keeps a spread near zero from giving a zero-width interval.
     */
    @JsonProperty("scaled")
    SCALED;

    /**
     * @param spreadMonths    the TTA spread of the image
     * @param minSpreadMonths the floor used with {@link #SCALED}
     * @return what the score's error is divided by, and the half-width's quantile multiplied by
     */
    public double scale(double spreadMonths, double minSpreadMonths) {
        return this == ABSOLUTE ? 1 : Math.max(spreadMonths, minSpreadMonths);
    }
}
