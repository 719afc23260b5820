package io.github.boneage.core;

/**
 * A model's accuracy measured on held-out images that played no part in training <em>or</em> in choosing the model
 * (epoch, settings): the figure a report should quote. The validation figures in {@link ModelProvenance} were used
 * for selection and are optimistic; these are not. Stored in a model bundle's manifest as {@code heldOutMetrics}.
 *
 * @param n        how many images were evaluated (at least 1)
 * @param mad      mean absolute difference from the reference, in months
 * @param ccc      Lin's concordance correlation coefficient, in [-1, 1]; {@code null} when not measured
 * @param rmse     root mean squared error in months; {@code null} when not measured
 * @param within12 share of estimates within 12 months of the reference, in [0, 1]; {@code null} when not measured
 * @param data     which images: the data set, how they were chosen and why they are untouched
 * @param command  the command that measured the figures, to reproduce them; {@code null} when not recorded
 */
public record HeldOutMetrics(int n, double mad, Double ccc, Double rmse, Double within12, String data, String command) {

    /**
     * Checks the figures.
     *
     * @param n        how many images were evaluated (at least 1)
     * @param mad      mean absolute difference from the reference, in months
     * @param ccc      Lin's concordance correlation coefficient, in [-1, 1]; {@code null} when not measured
     * @param rmse     root mean squared error in months; {@code null} when not measured
     * @param within12 share of estimates within 12 months of the reference, in [0, 1]; {@code null} when not measured
     * @param data     which images: the data set, how they were chosen and why they are untouched
     * @param command  the command that measured the figures, to reproduce them; {@code null} when not recorded
     * @throws IllegalArgumentException naming the field when {@code n} is below 1, a figure is not finite or out of
     *                                  its range, or {@code data} is missing
     */
    public HeldOutMetrics {
        if (n < 1) {
            throw new IllegalArgumentException("heldOutMetrics.n must be at least 1, got " + n);
        }
        if (!Double.isFinite(mad) || mad < 0) {
            throw new IllegalArgumentException("heldOutMetrics.mad must be a finite number of months >= 0, got " + mad);
        }
        if (ccc != null && !(ccc >= -1 && ccc <= 1)) {
            throw new IllegalArgumentException("heldOutMetrics.ccc must be in [-1, 1], got " + ccc);
        }
        if (rmse != null && !(Double.isFinite(rmse) && rmse >= 0)) {
            throw new IllegalArgumentException("heldOutMetrics.rmse must be a finite number of months >= 0, got " + rmse);
        }
        if (within12 != null && !(within12 >= 0 && within12 <= 1)) {
            throw new IllegalArgumentException("heldOutMetrics.within12 must be a share in [0, 1], got " + within12);
        }
        if (data == null || data.isBlank()) {
            throw new IllegalArgumentException("heldOutMetrics.data is missing: say which images were evaluated");
        }
    }
}
