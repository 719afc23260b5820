package io.github.boneage.clinical.report;

/**
 * An interval around a bone-age estimate, as an uncertainty method produced it.
 *
 * @param lowerMonths lower end, in months
 * @param upperMonths upper end, in months
 * @param coverage    the nominal (or calibrated) probability that the true bone age lies inside, in (0, 1)
 * @param method      how it was made, in words for the report (e.g. {@code test-time augmentation, calibrated})
 */
public record PredictionInterval(double lowerMonths, double upperMonths, double coverage, String method) {

    /**
     * @param lowerMonths lower end, in months
     * @param upperMonths upper end, in months
     * @param coverage the nominal (or calibrated) probability that the true bone age lies inside, in (0, 1)
     * @param method how it was made, in words for the report (e.g. {@code test-time augmentation, calibrated})
     * @throws IllegalArgumentException for reversed or non-finite ends, or a coverage outside (0, 1)
     */
    public PredictionInterval {
        if (!Double.isFinite(lowerMonths) || !Double.isFinite(upperMonths) || lowerMonths > upperMonths) {
            throw new IllegalArgumentException("interval must be finite with lower <= upper, got ["
                    + lowerMonths + ", " + upperMonths + "]");
        }
        if (!(coverage > 0 && coverage < 1)) {
            throw new IllegalArgumentException("coverage must lie in (0, 1), got " + coverage);
        }
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("method must be named");
        }
    }
}
