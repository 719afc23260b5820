package io.github.boneage.djl.train.net;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Locale;

/**
 * The output head on top of the pooled backbone features.
 *
 * <ul>
 *   <li>{@code regression}: one linear output predicting the scaled age {@code (age - mean) / std} (the papers' fc8
 *       regression layer with output scaling);</li>
 *   <li>{@code age-bins}: {@code bins} linear outputs, a softmax over equal-width age bins between {@code minMonths} and
 *       {@code maxMonths}, decoded as the expected age (softmax &middot; bin centres); trained on Gaussian-smoothed bin
 *       targets.</li>
 * </ul>
 *
 * @param type      {@code regression} or {@code age-bins}
 * @param bins      number of bins ({@code age-bins} only; 0 otherwise)
 * @param minMonths lower edge of the first bin ({@code age-bins} only)
 * @param maxMonths upper edge of the last bin ({@code age-bins} only)
 * @param dropout   dropout rate before the head's linear layer (0 = none)
 */
public record HeadSpec(String type, int bins, double minMonths, double maxMonths, double dropout) {

    /** Regression head type name. */
    public static final String REGRESSION = "regression";
    /** Age-bin classification head type name. */
    public static final String AGE_BINS = "age-bins";

    /**
     * Validates the fields.
     *
     * @param type {@code regression} or {@code age-bins}
     * @param bins number of bins ({@code age-bins} only; 0 otherwise)
     * @param minMonths lower edge of the first bin ({@code age-bins} only)
     * @param maxMonths upper edge of the last bin ({@code age-bins} only)
     * @param dropout dropout rate before the head's linear layer (0 = none)
     */
    public HeadSpec {
        type = type == null ? REGRESSION : type.trim().toLowerCase(Locale.ROOT);
        if (!type.equals(REGRESSION) && !type.equals(AGE_BINS)) {
            throw new IllegalArgumentException("unknown head type '" + type + "' (expected regression or age-bins)");
        }
        if (type.equals(AGE_BINS) && (bins < 2 || !(maxMonths > minMonths))) {
            throw new IllegalArgumentException("age-bins head needs at least 2 bins and maxMonths > minMonths, got " + bins
                    + " bins over [" + minMonths + ", " + maxMonths + "]");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /** @return a regression head without dropout */
    public static HeadSpec regression() {
        return new HeadSpec(REGRESSION, 0, 0, 0, 0);
    }

    /**
     * @param bins      number of equal-width bins
     * @param minMonths lower edge of the first bin
     * @param maxMonths upper edge of the last bin
     * @return an age-bin classification head without dropout
     */
    public static HeadSpec ageBins(int bins, double minMonths, double maxMonths) {
        return new HeadSpec(AGE_BINS, bins, minMonths, maxMonths, 0);
    }

    /**
     * @param rate the dropout rate, in [0, 1)
     * @return a copy with the given dropout before the linear layer
     */
    public HeadSpec withDropout(double rate) {
        return new HeadSpec(type, bins, minMonths, maxMonths, rate);
    }

    /** @return whether this is the age-bin classification head */
    @JsonIgnore
    public boolean isAgeBins() {
        return type.equals(AGE_BINS);
    }

    /** @return the number of network outputs */
    @JsonIgnore
    public int outputs() {
        return isAgeBins() ? bins : 1;
    }

    /**
     * @param k the bin index, 0-based
     * @return the centre of bin {@code k} in months
     */
    public double binCentre(int k) {
        double width = (maxMonths - minMonths) / bins;
        return minMonths + (k + 0.5) * width;
    }

    /** @return the width of one bin in months */
    @JsonIgnore
    public double binWidth() {
        return (maxMonths - minMonths) / bins;
    }
}
