package io.github.boneage.core.metrics;

import io.github.boneage.core.Sex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Collects (reference age, estimated age, sex) triples and computes {@link AgeMetrics} over all of them, per sex and
 * per reference-age band ({@link AgeBand#THREE_YEAR} unless other bands are given).
 * Not thread-safe: use one per thread, or add from one thread.
 *
 * <pre>{@code
 * MetricsAccumulator acc = new MetricsAccumulator();
 * for (...) acc.add(sample.boneAgeMonths(), estimate.months(), sample.sex());
 * MetricsReport report = acc.report();
 * double mad = report.overall().mad();
 * }</pre>
 */
public final class MetricsAccumulator {

    private double[] reference = new double[64];
    private double[] estimate = new double[64];
    private Sex[] sexes = new Sex[64];
    private int size;
    private final List<AgeBand> bands;

    /** Creates an empty accumulator that reports the {@link AgeBand#THREE_YEAR} bands. */
    public MetricsAccumulator() {
        this(AgeBand.THREE_YEAR);
    }

    /**
     * Creates an empty accumulator that reports the given bands.
     *
     * @param bands the reference-age bands to report (may be empty; overlapping bands each count their pairs)
     */
    public MetricsAccumulator(List<AgeBand> bands) {
        this.bands = List.copyOf(bands);
    }

    /**
     * Adds one pair.
     *
     * @param referenceMonths the reference (true) bone age, months
     * @param estimatedMonths the estimate, months
     * @param sex             the patient's sex ({@link Sex#UNKNOWN} when not known)
     * @return this accumulator
     * @throws IllegalArgumentException if an age is NaN or infinite
     */
    public MetricsAccumulator add(double referenceMonths, double estimatedMonths, Sex sex) {
        if (!Double.isFinite(referenceMonths) || !Double.isFinite(estimatedMonths)) {
            throw new IllegalArgumentException("ages must be finite, got reference=" + referenceMonths
                    + " estimate=" + estimatedMonths);
        }
        Objects.requireNonNull(sex, "sex (use Sex.UNKNOWN when not known)");
        if (size == reference.length) {
            reference = Arrays.copyOf(reference, size * 2);
            estimate = Arrays.copyOf(estimate, size * 2);
            sexes = Arrays.copyOf(sexes, size * 2);
        }
        reference[size] = referenceMonths;
        estimate[size] = estimatedMonths;
        sexes[size] = sex;
        size++;
        return this;
    }

    /** @return the number of pairs added */
    public int size() {
        return size;
    }

    /**
     * @return the metrics over every pair added so far, per sex for each sex with at least one pair, and per band for
     *         each band with at least one pair
     * @throws IllegalStateException if no pair was added (no metric is defined for zero pairs)
     */
    public MetricsReport report() {
        if (size == 0) {
            throw new IllegalStateException("no (reference, estimate) pairs were added: metrics are undefined");
        }
        Map<Sex, AgeMetrics> bySex = new EnumMap<>(Sex.class);
        for (Sex sex : Sex.values()) {
            metricsOf(i -> sexes[i] == sex).ifPresent(m -> bySex.put(sex, m));
        }
        List<BandMetrics> byBand = new ArrayList<>();
        for (AgeBand band : bands) {
            metricsOf(i -> band.contains(reference[i])).ifPresent(m -> byBand.add(new BandMetrics(band, m)));
        }
        return new MetricsReport(AgeMetrics.of(reference, estimate, size), bySex, byBand);
    }

    /** The metrics of the pairs whose index passes {@code selected}, if there is at least one. */
    private Optional<AgeMetrics> metricsOf(IntPredicate selected) {
        double[] r = new double[size];
        double[] e = new double[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (selected.test(i)) {
                r[n] = reference[i];
                e[n] = estimate[i];
                n++;
            }
        }
        return n == 0 ? Optional.empty() : Optional.of(AgeMetrics.of(r, e, n));
    }
}
