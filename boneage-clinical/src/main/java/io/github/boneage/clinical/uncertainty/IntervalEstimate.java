package io.github.boneage.clinical.uncertainty;

import io.github.boneage.core.BoneAgeEstimate;
import java.util.Objects;

/**
 * A bone-age estimate with a calibrated interval.
 *
 * @param estimate    the point estimate: the TTA aggregate as months, with the unchanged image's ROI, scheme, sex and
 *                    model
 * @param lowerMonths the interval's lower end
 * @param upperMonths the interval's upper end
 * @param coverage    the interval's target coverage (e.g. 0.9), as calibrated on held-out images
 * @param tta         the predictions behind it
 */
public record IntervalEstimate(BoneAgeEstimate estimate, double lowerMonths, double upperMonths, double coverage,
                               TtaPrediction tta) {

    /**
     * Checks the fields.
     *
     * @param estimate the point estimate: the TTA aggregate as months, with the unchanged image's ROI, scheme, sex and
     *                 model
     * @param lowerMonths the interval's lower end
     * @param upperMonths the interval's upper end
     * @param coverage the interval's target coverage (e.g. 0.9), as calibrated on held-out images
     * @param tta the predictions behind it
     */
    public IntervalEstimate {
        Objects.requireNonNull(estimate, "estimate");
        Objects.requireNonNull(tta, "tta");
    }

    /** @return the point estimate in months */
    public double months() {
        return estimate.months();
    }

    /** @return half the interval's width, in months */
    public double halfWidthMonths() {
        return (upperMonths - lowerMonths) / 2;
    }
}
