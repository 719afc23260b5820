package io.github.boneage.preprocess.equalize;

/**
 * Histogram equalization with the semantics of MATLAB's {@code histeq(I, n)} for intensity images (method
 * {@code histeq-matlab}), which the bone-age papers used with its default of n = 64 output levels.
 *
 * <p>MATLAB does not spread the cumulative histogram over the output range as {@link HistogramEqualizer} does. It
 * matches the input's cumulative histogram to a flat target histogram of n levels, choosing for every input level the
 * output level whose target cumulative count is closest from above, with half of the level's own count as slack:
 * <ol>
 *   <li>Count the input: {@code nn[k]} samples of level k (k = 0 .. L-1, L = {@code 2^bitDepth}); {@code cum[k]} is
 *       the running sum and N the number of samples.</li>
 *   <li>The target: each of the n levels holds {@code N/n} samples; those shares are renormalised to sum to N and
 *       accumulated, giving {@code cumd[j]} (j = 0 .. n-1; {@code cumd[j] = (j+1)N/n} up to rounding, evaluated in
 *       the same double-precision order as MATLAB).</li>
 *   <li>The slack {@code tol[k]} is {@code nn[k]/2} for interior levels and 0 for the first and last level.</li>
 *   <li>{@code err[j][k] = (cumd[j] - cum[k]) + tol[k]}. Entries below {@code -N*sqrt(eps)} (eps = 2^-52, so the
 *       threshold is {@code N * 2^-26}) count as overshooting and are replaced by N.</li>
 *   <li>Input level k maps to the first j that minimises {@code err[j][k]} over j; the output value is
 *       {@code round(j / (n-1) * (L-1))}, rounding halves away from zero.</li>
 * </ol>
 * Because {@code err} grows with j, the first non-overshooting j is found by binary search instead of building the
 * n-by-L matrix. Consequences of these semantics: a constant mid-grey image maps to the middle output level, and a
 * constant black image (all samples in the first level, where the slack is 0) maps to white.
 *
 * <p>16-bit images use a histogram of {@code 2^bitDepth} levels (MATLAB's code-generation variant also bins uint16
 * images at full depth; its classic variant bins every class into 256 levels) and map to {@code [0, 2^bitDepth - 1]}.
 */
public final class MatlabHistogramEqualizer extends LookupTableEqualizer {

    /** The method name. */
    public static final String NAME = "histeq-matlab";
    /** MATLAB's default number of output levels. */
    public static final int DEFAULT_LEVELS = 64;
    /** The largest number of output levels accepted. */
    public static final int MAX_LEVELS = 65536;

    private final int levels;

    /** MATLAB's default: 64 output levels. */
    public MatlabHistogramEqualizer() {
        this(DEFAULT_LEVELS);
    }

    /**
     * @param levels number of output levels n, 2 .. 65536
     * @throws IllegalArgumentException if out of range
     */
    public MatlabHistogramEqualizer(int levels) {
        if (levels < 2 || levels > MAX_LEVELS) {
            throw new IllegalArgumentException("histeq-matlab needs 2.." + MAX_LEVELS + " output levels (bins), got " + levels);
        }
        this.levels = levels;
    }

    /** @return the number of output levels n */
    public int levels() {
        return levels;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int[] lookupTable(int[] histogram, int bitDepth) {
        requireBins(histogram, bitDepth);
        int bins = histogram.length;
        long numel = 0;
        for (int count : histogram) {
            numel += count;
        }
        if (numel == 0) {
            throw new IllegalArgumentException("histogram is empty");
        }
        double[] cumd = targetCumulative(numel, levels);
        double overshoot = -((double) numel * 0x1p-26);
        double replaced = numel;
        int maxValue = bins - 1;
        int[] lut = new int[bins];
        long cum = 0;
        for (int k = 0; k < bins; k++) {
            cum += histogram[k];
            double cumK = cum;
            double tol = (k == 0 || k == bins - 1) ? 0.0 : histogram[k] / 2.0;
            int first = firstNotOvershooting(cumd, cumK, tol, overshoot);
            int t;
            if (first == levels) {
                t = 0;
            } else if (first > 0 && (cumd[first] - cumK) + tol >= replaced) {
                // Replaced entries (value N) sit before it and tie or win: MATLAB's min returns the first of them.
                t = 0;
            } else {
                t = first;
            }
            lut[k] = (int) Math.round(((double) t / (levels - 1)) * maxValue);
        }
        return lut;
    }

    /** The target cumulative histogram, accumulated in MATLAB's order so that ties break the same way. */
    private static double[] targetCumulative(long numel, int n) {
        double share = (double) numel / n;
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += share;
        }
        double renormalised = share * ((double) numel / sum);
        double[] cumd = new double[n];
        double acc = 0;
        for (int j = 0; j < n; j++) {
            acc += renormalised;
            cumd[j] = acc;
        }
        return cumd;
    }

    /** @return the first j with {@code (cumd[j] - cum) + tol >= overshoot}, or {@code cumd.length} if none */
    private static int firstNotOvershooting(double[] cumd, double cum, double tol, double overshoot) {
        int lo = 0;
        int hi = cumd.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if ((cumd[mid] - cum) + tol < overshoot) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public String toString() {
        return NAME + "(levels=" + levels + ")";
    }
}
