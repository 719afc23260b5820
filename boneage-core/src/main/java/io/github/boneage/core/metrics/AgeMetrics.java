package io.github.boneage.core.metrics;

import java.util.Locale;

/**
 * Agreement between reference and estimated bone ages over {@code n >= 1} pairs {@code (x_i, y_i)} (x reference,
 * y estimate, months); error {@code e_i = y_i - x_i}. Moments are population moments (divided by n, not n - 1), as in
 * Lin (1989):
 * <ul>
 *   <li>{@code mad = (1/n) sum |e_i|} (mean absolute difference, the papers' MAD)</li>
 *   <li>{@code rmse = sqrt((1/n) sum e_i^2)}</li>
 *   <li>{@code maxAbsError = max |e_i|}</li>
 *   <li>{@code meanError = (1/n) sum e_i} (bias: positive when estimates are too old)</li>
 *   <li>{@code pearson = s_xy / sqrt(s_xx s_yy)} with {@code s_xy = (1/n) sum (x_i - mean x)(y_i - mean y)};
 *       NaN when either set of ages is constant (zero variance: correlation undefined)</li>
 *   <li>{@code ccc = 2 s_xy / (s_xx + s_yy + (mean x - mean y)^2)} (Lin's concordance correlation coefficient,
 *       {@code = 2 rho sigma_x sigma_y / (...)}); defined for constant estimates (then 0 unless the reference ages are
 *       constant too); NaN only when the denominator is 0, i.e. every reference age and estimate is the same value</li>
 *   <li>{@code within6}, {@code within12}: share of pairs with {@code |e_i| <= 6} or {@code <= 12} months, in [0, 1]
 *       (with a 1e-9 month tolerance so that decimal inputs such as 12.3 vs 18.3 count as 6 apart)</li>
 * </ul>
 *
 * @param n           number of pairs, at least 1
 * @param mad         mean absolute difference, months
 * @param rmse        root mean squared error, months
 * @param maxAbsError largest absolute error, months
 * @param meanError   mean signed error (estimate minus reference), months
 * @param pearson     Pearson correlation coefficient, or NaN if undefined
 * @param ccc         Lin's concordance correlation coefficient, or NaN if undefined
 * @param within6     share of absolute errors of at most 6 months
 * @param within12    share of absolute errors of at most 12 months
 */
public record AgeMetrics(int n, double mad, double rmse, double maxAbsError, double meanError, double pearson,
        double ccc, double within6, double within12) {

    /** Tolerance for the within-6 and within-12 shares, far below any meaningful age difference. */
    static final double WITHIN_TOLERANCE = 1e-9;

    /**
     * Computes the metrics of all pairs {@code (reference[i], estimate[i])}.
     *
     * @param reference reference ages, months
     * @param estimate  estimated ages, months, as many as {@code reference}
     * @return the metrics
     * @throws IllegalArgumentException if the arrays are empty or differ in length
     */
    public static AgeMetrics of(double[] reference, double[] estimate) {
        if (reference.length != estimate.length) {
            throw new IllegalArgumentException(reference.length + " reference ages but " + estimate.length + " estimates");
        }
        return of(reference, estimate, reference.length);
    }

    /**
     * Computes the metrics of the pairs {@code (reference[i], estimate[i])} for {@code i < count}.
     *
     * @param reference reference ages, months
     * @param estimate  estimated ages, months
     * @param count     how many pairs (the first {@code count} entries of each array)
     * @return the metrics
     * @throws IllegalArgumentException if {@code count < 1} (no metric is defined for no pairs) or exceeds an array
     */
    public static AgeMetrics of(double[] reference, double[] estimate, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("metrics need at least one (reference, estimate) pair, got " + count);
        }
        if (count > reference.length || count > estimate.length) {
            throw new IllegalArgumentException("count " + count + " exceeds the arrays (" + reference.length + ", "
                    + estimate.length + ")");
        }
        // two passes: the means first, then centred sums, which stays accurate where sum-of-squares formulas cancel
        double sumX = 0;
        double sumY = 0;
        for (int i = 0; i < count; i++) {
            sumX += reference[i];
            sumY += estimate[i];
        }
        double meanX = sumX / count;
        double meanY = sumY / count;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        double sumAbs = 0;
        double sumSq = 0;
        double sumErr = 0;
        double maxAbs = 0;
        int within6 = 0;
        int within12 = 0;
        for (int i = 0; i < count; i++) {
            double dx = reference[i] - meanX;
            double dy = estimate[i] - meanY;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
            double e = estimate[i] - reference[i];
            double abs = Math.abs(e);
            sumErr += e;
            sumAbs += abs;
            sumSq += e * e;
            maxAbs = Math.max(maxAbs, abs);
            within6 += abs <= 6 + WITHIN_TOLERANCE ? 1 : 0;
            within12 += abs <= 12 + WITHIN_TOLERANCE ? 1 : 0;
        }
        sxx /= count;
        syy /= count;
        sxy /= count;
        double pearson = sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
        double meanDiff = meanX - meanY;
        double cccDenominator = sxx + syy + meanDiff * meanDiff;
        double ccc = cccDenominator == 0 ? Double.NaN : 2 * sxy / cccDenominator;
        return new AgeMetrics(count, sumAbs / count, Math.sqrt(sumSq / count), maxAbs, sumErr / count, pearson, ccc,
                (double) within6 / count, (double) within12 / count);
    }

    /** @return e.g. {@code n=800 MAD=8.89 RMSE=11.70 max=45.00 bias=-0.31 r=0.962 CCC=0.958 <=6m=45.1% <=12m=74.3%} */
    public String summary() {
        return String.format(Locale.ROOT, "n=%d MAD=%.2f RMSE=%.2f max=%.2f bias=%+.2f r=%.3f CCC=%.3f <=6m=%.1f%% <=12m=%.1f%%",
                n, mad, rmse, maxAbsError, meanError, pearson, ccc, 100 * within6, 100 * within12);
    }
}
