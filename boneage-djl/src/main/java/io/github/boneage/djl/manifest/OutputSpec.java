package io.github.boneage.djl.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How the network's output becomes months.
 *
 * <ul>
 * <li>{@code regression}: one value {@code y} per image (shape {@code [N]} or {@code [N, 1]});
 *     {@code months = scale * y + offset}. Networks trained on standardized ages use the training set's standard
 *     deviation and mean; networks that output months use 1 and 0.</li>
 * <li>{@code age-bins}: one score per age bin (shape {@code [N, K]}, {@code K = binCentresMonths.length});
 *     {@code months = sum_k p_k * binCentresMonths[k]}, where {@code p} is the softmax of the scores when
 *     {@code activation} is {@code softmax}, or the scores themselves (already probabilities) when it is
 *     {@code none}.</li>
 * </ul>
 *
 * @param kind             {@code regression} or {@code age-bins}
 * @param scale            regression: multiplier
 * @param offset           regression: months added
 * @param binCentresMonths age-bins: the centre of each bin in months, in output order
 * @param activation       age-bins: {@code softmax} or {@code none}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutputSpec(@JsonProperty(required = true) Kind kind, Double scale, Double offset, double[] binCentresMonths, Activation activation) {

    /** The kinds of output heads. */
    public enum Kind {
        /** One value per image. */
        REGRESSION("regression"),
        /** A distribution over age bins, decoded as its expectation. */
        AGE_BINS("age-bins");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** @return the name used in the manifest */
        @JsonValue
        public String label() {
            return label;
        }

        /**
         * @param label {@code regression} or {@code age-bins}
         * @return the kind
         * @throws IllegalArgumentException naming the label if unknown
         */
        @JsonCreator
        public static Kind parse(String label) {
            for (Kind k : values()) {
                if (k.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown output kind '" + label + "' (expected regression or age-bins)");
        }
    }

    /** What turns age-bin scores into probabilities. */
    public enum Activation {
        /** The scores are logits. */
        SOFTMAX("softmax"),
        /** The scores are probabilities already. */
        NONE("none");

        private final String label;

        Activation(String label) {
            this.label = label;
        }

        /** @return the name used in the manifest */
        @JsonValue
        public String label() {
            return label;
        }

        /**
         * @param label {@code softmax} or {@code none}
         * @return the activation
         * @throws IllegalArgumentException naming the label if unknown
         */
        @JsonCreator
        public static Activation parse(String label) {
            for (Activation a : values()) {
                if (a.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown activation '" + label + "' (expected softmax or none)");
        }
    }

    /**
     * Requires a kind; copies the bin centres.
     *
     * @param kind {@code regression} or {@code age-bins}
     * @param scale regression: multiplier
     * @param offset regression: months added
     * @param binCentresMonths age-bins: the centre of each bin in months, in output order
     * @param activation age-bins: {@code softmax} or {@code none}
     */
    public OutputSpec {
        Objects.requireNonNull(kind, "kind");
        binCentresMonths = binCentresMonths == null ? null : binCentresMonths.clone();
    }

    /**
     * @param scale the factor applied to the network's output
     * @param offset the months added after scaling
     * @return a regression head: {@code months = scale * y + offset}
     */
    public static OutputSpec regression(double scale, double offset) {
        return new OutputSpec(Kind.REGRESSION, scale, offset, null, null);
    }

    /**
     * @param binCentresMonths the centre of each age bin, in months
     * @param activation how the bin logits become probabilities
     * @return an age-bin head decoded as the expectation over the bin centres
     */
    public static OutputSpec ageBins(double[] binCentresMonths, Activation activation) {
        return new OutputSpec(Kind.AGE_BINS, null, null, Objects.requireNonNull(binCentresMonths, "binCentresMonths"),
                Objects.requireNonNull(activation, "activation"));
    }

    /** @return the bin centres in months (a copy), or {@code null} for a regression head */
    @Override
    public double[] binCentresMonths() {
        return binCentresMonths == null ? null : binCentresMonths.clone();
    }

    /** @return how many values the network returns per image: 1 for regression, the bin count for age bins */
    @JsonIgnore
    public int valuesPerImage() {
        return kind == Kind.REGRESSION ? 1 : binCentresMonths.length;
    }

    /**
     * Decodes one image's output.
     *
     * @param values the network's output for all images, {@link #valuesPerImage()} per image
     * @param image  which image
     * @return months
     */
    public double toMonths(float[] values, int image) {
        if (kind == Kind.REGRESSION) {
            return scale * values[image] + offset;
        }
        int k = binCentresMonths.length;
        int base = image * k;
        double[] p = new double[k];
        if (activation == Activation.SOFTMAX) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < k; i++) {
                max = Math.max(max, values[base + i]);
            }
            double sum = 0;
            for (int i = 0; i < k; i++) {
                p[i] = Math.exp(values[base + i] - max);
                sum += p[i];
            }
            for (int i = 0; i < k; i++) {
                p[i] /= sum;
            }
        } else {
            for (int i = 0; i < k; i++) {
                p[i] = values[base + i];
            }
        }
        double months = 0;
        for (int i = 0; i < k; i++) {
            months += p[i] * binCentresMonths[i];
        }
        return months;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutputSpec s && kind == s.kind && Objects.equals(scale, s.scale) && Objects.equals(offset, s.offset)
                && Arrays.equals(binCentresMonths, s.binCentresMonths) && activation == s.activation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, scale, offset, Arrays.hashCode(binCentresMonths), activation);
    }

    @Override
    public String toString() {
        return kind == Kind.REGRESSION ? "regression(months = " + scale + " * y + " + offset + ")"
                : "age-bins(" + Arrays.toString(binCentresMonths) + ", " + activation.label() + ")";
    }
}
