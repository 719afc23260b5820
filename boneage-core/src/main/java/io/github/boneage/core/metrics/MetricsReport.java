package io.github.boneage.core.metrics;

import io.github.boneage.core.Sex;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Metrics over all pairs, per sex and per reference-age band, from {@link MetricsAccumulator#report()}. Immutable.
 *
 * @param overall   the metrics over every pair
 * @param bySex     the metrics of each sex that has at least one pair (sexes without pairs are absent)
 * @param byAgeBand the metrics of each reference-age band that has at least one pair, youngest first
 */
public record MetricsReport(AgeMetrics overall, Map<Sex, AgeMetrics> bySex, List<BandMetrics> byAgeBand) {

    /**
     * Copies the collections so the report stays immutable.
     *
     * @param overall   the metrics over every pair
     * @param bySex     the metrics of each sex that has at least one pair (sexes without pairs are absent)
     * @param byAgeBand the metrics of each reference-age band that has at least one pair, youngest first
     */
    public MetricsReport {
        EnumMap<Sex, AgeMetrics> copy = new EnumMap<>(Sex.class);
        copy.putAll(bySex);
        bySex = Collections.unmodifiableMap(copy);
        byAgeBand = List.copyOf(byAgeBand);
    }

    /**
     * A report without age bands.
     *
     * @param overall the metrics over every pair
     * @param bySex   the metrics of each sex that has at least one pair
     */
    public MetricsReport(AgeMetrics overall, Map<Sex, AgeMetrics> bySex) {
        this(overall, bySex, List.of());
    }

    /**
     * @param sex the sex
     * @return the metrics of one sex, if it had pairs
     */
    public Optional<AgeMetrics> forSex(Sex sex) {
        return Optional.ofNullable(bySex.get(sex));
    }

    /**
     * The figures as a flat map, e.g. for {@link io.github.boneage.core.ModelProvenance#validationMetrics()}: keys
     * {@code n, mad, rmse, maxAbsError, meanError, pearson, ccc, within6, within12} for all pairs, and the same keys
     * prefixed {@code male.}, {@code female.}, {@code unknown.} for each sex present. Undefined values are NaN.
     *
     * @return the figures, overall first
     */
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        put(m, "", overall);
        bySex.forEach((sex, metrics) -> put(m, sex.label() + ".", metrics));
        return m;
    }

    private static void put(Map<String, Double> m, String prefix, AgeMetrics a) {
        m.put(prefix + "n", (double) a.n());
        m.put(prefix + "mad", a.mad());
        m.put(prefix + "rmse", a.rmse());
        m.put(prefix + "maxAbsError", a.maxAbsError());
        m.put(prefix + "meanError", a.meanError());
        m.put(prefix + "pearson", a.pearson());
        m.put(prefix + "ccc", a.ccc());
        m.put(prefix + "within6", a.within6());
        m.put(prefix + "within12", a.within12());
    }

    /**
     * @return one line per reference-age band with pairs, e.g. {@code 3-6 y   n=120 MAD=9.10 ... bias=+3.20 ...};
     *         empty when the report has no bands
     */
    public String bandSummary() {
        StringBuilder sb = new StringBuilder();
        for (BandMetrics b : byAgeBand) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(String.format(Locale.ROOT, "%-8s%s", b.band().label(), b.metrics().summary()));
        }
        return sb.toString();
    }

    /** @return one line for all pairs and one per sex, e.g. {@code all    n=800 MAD=8.89 ...} */
    public String summary() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-8s%s", "all", overall.summary()));
        bySex.forEach((sex, metrics) -> sb.append('\n').append(String.format(Locale.ROOT, "%-8s%s", sex.label(), metrics.summary())));
        return sb.toString();
    }
}
