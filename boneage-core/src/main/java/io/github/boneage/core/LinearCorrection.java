package io.github.boneage.core;

import java.util.Arrays;
import java.util.Locale;

/**
 * A straight-line correction of an estimate, {@code corrected = intercept + slope * estimate}, fitted on labelled
 * images that no network it corrects trained on. Regression networks pull their estimates towards the mean age of
 * what they trained on, and networks fine-tuned on one sex read a little low (model v2's seventh revision); a
 * correction per sex takes out what of that is systematic.
 *
 * <p>The slope is held within [{@value #MIN_SLOPE}, {@value #MAX_SLOPE}] and the intercept within
 * &plusmn;{@value #MAX_INTERCEPT_MONTHS} months: a fit needing more than that means the networks do not fit the
 * images, and a correction would hide it rather than fix it.
 *
 * @param intercept months added, finite, at most {@value #MAX_INTERCEPT_MONTHS} in magnitude
 * @param slope     factor on the estimate, in [{@value #MIN_SLOPE}, {@value #MAX_SLOPE}]
 */
public record LinearCorrection(double intercept, double slope) {

    /** The smallest slope accepted (and searched by {@link #fitLeastAbsolute}). */
    public static final double MIN_SLOPE = 0.8;
    /** The largest slope accepted (and searched by {@link #fitLeastAbsolute}). */
    public static final double MAX_SLOPE = 1.25;
    /** The largest intercept accepted, in magnitude, in months. */
    public static final double MAX_INTERCEPT_MONTHS = 48;
    /** The fewest labelled images {@link #fitLeastAbsolute} fits on. */
    public static final int MIN_IMAGES = 20;

    /**
     * The slope search's steps per unit (a step of 0.0005: at an estimate of 240 months one step moves the correction
     * by 0.12 months). Slopes are computed as whole steps divided by this, so a fitted slope is written as 1.017, not
     * 1.0170000000000001.
     */
    private static final double SLOPE_STEPS_PER_UNIT = 2000;

    /**
     * Checks the range.
     *
     * @param intercept months added
     * @param slope     factor on the estimate
     */
    public LinearCorrection {
        if (!Double.isFinite(intercept) || Math.abs(intercept) > MAX_INTERCEPT_MONTHS) {
            throw new IllegalArgumentException("a correction's intercept must be finite and at most " + MAX_INTERCEPT_MONTHS
                    + " months in magnitude, got " + intercept);
        }
        if (!(slope >= MIN_SLOPE && slope <= MAX_SLOPE)) {
            throw new IllegalArgumentException("a correction's slope must be in [" + MIN_SLOPE + ", " + MAX_SLOPE + "], got "
                    + slope);
        }
    }

    /**
     * @param months an estimate
     * @return the corrected estimate
     */
    public double apply(double months) {
        return intercept + slope * months;
    }

    /**
     * Fits the correction with the smallest mean absolute difference from the reference ages (least absolute
     * deviations, the fit that matches the MAD the project reports and that few gross errors do not pull). Slopes are
     * searched in steps of 0.0005 over the accepted range; for each, the best intercept is exactly the median of
     * {@code reference - slope * estimate}. Among equally good fits the slope nearest 1 is taken.
     *
     * @param estimates the uncorrected estimates, finite
     * @param references the reference ages of the same images, in the same order, finite
     * @return the fitted correction
     * @throws IllegalArgumentException when the arrays differ in length, hold fewer than {@value #MIN_IMAGES}
     *                                  images or a value that is not finite, or the best fit lies at the edge of the
     *                                  accepted range (the networks do not fit these images)
     */
    public static LinearCorrection fitLeastAbsolute(double[] estimates, double[] references) {
        if (estimates.length != references.length) {
            throw new IllegalArgumentException("estimates and references differ in length: " + estimates.length + " and "
                    + references.length);
        }
        if (estimates.length < MIN_IMAGES) {
            throw new IllegalArgumentException("a correction needs at least " + MIN_IMAGES + " labelled images, got "
                    + estimates.length);
        }
        for (int i = 0; i < estimates.length; i++) {
            if (!Double.isFinite(estimates[i]) || !Double.isFinite(references[i])) {
                throw new IllegalArgumentException("image " + i + ": estimate " + estimates[i] + " and reference "
                        + references[i] + " must both be finite");
            }
        }
        long first = Math.round(MIN_SLOPE * SLOPE_STEPS_PER_UNIT);
        long last = Math.round(MAX_SLOPE * SLOPE_STEPS_PER_UNIT);
        double[] residuals = new double[estimates.length];
        double bestError = Double.POSITIVE_INFINITY;
        double bestSlope = 1;
        double bestIntercept = 0;
        for (long step = first; step <= last; step++) {
            double slope = step / SLOPE_STEPS_PER_UNIT;
            for (int i = 0; i < residuals.length; i++) {
                residuals[i] = references[i] - slope * estimates[i];
            }
            double intercept = median(residuals);
            double error = 0;
            for (int i = 0; i < estimates.length; i++) {
                error += Math.abs(references[i] - intercept - slope * estimates[i]);
            }
            boolean better = error < bestError - 1e-9
                    || (error <= bestError + 1e-9 && Math.abs(slope - 1) < Math.abs(bestSlope - 1));
            if (better) {
                bestError = Math.min(error, bestError);
                bestSlope = slope;
                bestIntercept = intercept;
            }
        }
        if (bestSlope <= MIN_SLOPE || bestSlope >= MAX_SLOPE
                || Math.abs(bestIntercept) > MAX_INTERCEPT_MONTHS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the best straight-line correction (intercept %.2f,"
                    + " slope %.4f) lies outside or at the edge of the accepted range: the estimates do not fit these"
                    + " images, and a correction would hide it", bestIntercept, bestSlope));
        }
        return new LinearCorrection(bestIntercept, bestSlope);
    }

    /**
     * @param estimates estimates, as {@link #fitLeastAbsolute}
     * @param references their reference ages
     * @return the mean absolute difference after this correction
     */
    public double meanAbsoluteError(double[] estimates, double[] references) {
        double sum = 0;
        for (int i = 0; i < estimates.length; i++) {
            sum += Math.abs(references[i] - apply(estimates[i]));
        }
        return sum / estimates.length;
    }

    /** Sorts the array in place (it is the caller's workspace) and returns its median. */
    private static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%+.2f months + %.4f x estimate", intercept, slope);
    }
}
