package io.github.boneage.core.dataset;

import io.github.boneage.core.Sex;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Holds out a fraction of the samples for validation, optionally stratified by sex and/or bone-age bins so that each
 * stratum is represented in proportion. Build with {@link #builder()}.
 *
 * <p>Exactly {@code round(fraction * n)} samples are held out. Each stratum gets {@code floor(fraction * n_s)}, and the
 * remaining ones go to the strata with the largest remainders (ties: stratum order, female before male, younger bins
 * first). Within a stratum the samples are sorted by id and shuffled with a SplitMix64 generator seeded from the seed
 * and the stratum, so a stratum's selection does not change when other strata gain or lose samples.
 */
public final class FractionSplit implements SplitStrategy {

    private final double validationFraction;
    private final long seed;
    private final boolean stratifyBySex;
    private final double ageBinMonths;

    private FractionSplit(Builder b) {
        this.validationFraction = b.validationFraction;
        this.seed = b.seed;
        this.stratifyBySex = b.stratifyBySex;
        this.ageBinMonths = b.ageBinMonths;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** A stratum: sex (or none) and age bin (or none). Ordered for reproducible remainder tie-breaks. */
    private record Stratum(int sexCode, long ageBin) implements Comparable<Stratum> {
        @Override
        public int compareTo(Stratum o) {
            int bySex = Integer.compare(sexCode, o.sexCode);
            return bySex != 0 ? bySex : Long.compare(ageBin, o.ageBin);
        }

        long code() {
            return ((long) sexCode << 40) ^ ageBin;
        }
    }

    @Override
    public DatasetSplit split(List<Sample> samples) {
        List<Sample> sorted = DatasetSplit.sortedUnique(samples);
        Map<Stratum, List<Sample>> strata = new TreeMap<>();
        for (Sample s : sorted) {
            strata.computeIfAbsent(stratumOf(s), k -> new ArrayList<>()).add(s);
        }
        Map<Stratum, Integer> quota = allocate(strata, sorted.size());
        List<Sample> train = new ArrayList<>();
        List<Sample> validation = new ArrayList<>();
        for (Map.Entry<Stratum, List<Sample>> e : strata.entrySet()) {
            List<Sample> members = new ArrayList<>(e.getValue());
            new SplitMix64(SplitMix64.derive(seed, e.getKey().code())).shuffle(members);
            int k = quota.get(e.getKey());
            validation.addAll(members.subList(0, k));
            train.addAll(members.subList(k, members.size()));
        }
        return new DatasetSplit(train, validation, description(), manifestFields());
    }

    private Stratum stratumOf(Sample s) {
        // FEMALE before MALE so that the order does not depend on the enum's declaration order
        int sexCode = !stratifyBySex ? 0 : s.sex() == Sex.FEMALE ? 1 : s.sex() == Sex.MALE ? 2 : 3;
        long bin = ageBinMonths > 0 ? (long) Math.floor(s.boneAgeMonths() / ageBinMonths) : 0;
        return new Stratum(sexCode, bin);
    }

    /** Largest-remainder allocation of {@code round(fraction * n)} validation samples over the strata. */
    private Map<Stratum, Integer> allocate(Map<Stratum, List<Sample>> strata, int n) {
        int target = (int) Math.round(validationFraction * n);
        Map<Stratum, Integer> quota = new LinkedHashMap<>();
        List<Map.Entry<Stratum, Double>> remainders = new ArrayList<>();
        int given = 0;
        for (Map.Entry<Stratum, List<Sample>> e : strata.entrySet()) {
            double exact = validationFraction * e.getValue().size();
            int whole = (int) Math.floor(exact);
            quota.put(e.getKey(), whole);
            remainders.add(Map.entry(e.getKey(), exact - whole));
            given += whole;
        }
        // stable sort: equal remainders keep stratum order
        remainders.sort(Collections.reverseOrder(Map.Entry.comparingByValue()));
        for (int i = 0; given < target && i < remainders.size(); i++) {
            Stratum s = remainders.get(i).getKey();
            if (quota.get(s) < strata.get(s).size()) {
                quota.merge(s, 1, Integer::sum);
                given++;
            }
        }
        return quota;
    }

    @Override
    public String description() {
        StringBuilder sb = new StringBuilder("fraction validation=").append(validationFraction).append(" seed=").append(seed);
        if (stratifyBySex || ageBinMonths > 0) {
            sb.append(" stratified by ");
            sb.append(stratifyBySex ? "sex" : "");
            sb.append(stratifyBySex && ageBinMonths > 0 ? " and " : "");
            sb.append(ageBinMonths > 0 ? ageBinMonths + "-month bone-age bins" : "");
        }
        return sb.toString();
    }

    @Override
    public Map<String, String> manifestFields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("split.strategy", "fraction");
        m.put("split.seed", Long.toString(seed));
        m.put("split.validationFraction", Double.toString(validationFraction));
        m.put("split.stratifyBySex", Boolean.toString(stratifyBySex));
        m.put("split.ageBinMonths", ageBinMonths > 0 ? Double.toString(ageBinMonths) : "none");
        return m;
    }

    @Override
    public String toString() {
        return description();
    }

    /** Builder: {@code setX} for required fields, {@code optX} for optional ones. */
    public static final class Builder {
        private double validationFraction = Double.NaN;
        private Long seed;
        private boolean stratifyBySex;
        private double ageBinMonths;

        private Builder() {
        }

        /**
         * @param fraction the share of samples held out for validation, in (0, 1) (required)
         * @return this builder
         * @throws IllegalArgumentException if not in (0, 1)
         */
        public Builder setValidationFraction(double fraction) {
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
            }
            this.validationFraction = fraction;
            return this;
        }

        /**
         * @param seed the random seed
         * @return this builder, with the random seed set (required, so that every split is reproducible)
         */
        public Builder setSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param stratify whether to split each sex separately (default: false)
         * @return this builder, holding out the same fraction of each sex
         */
        public Builder optStratifyBySex(boolean stratify) {
            this.stratifyBySex = stratify;
            return this;
        }

        /**
         * @param months width of the bone-age bins to stratify by ({@code [0, w)}, {@code [w, 2w)}, ...), or 0 for none
         * @return this builder
         * @throws IllegalArgumentException if negative or not finite
         */
        public Builder optAgeBinMonths(double months) {
            if (!Double.isFinite(months) || months < 0) {
                throw new IllegalArgumentException("age bin width must be a finite number of months >= 0, got " + months);
            }
            this.ageBinMonths = months;
            return this;
        }

        /**
         * @return the strategy
         * @throws IllegalStateException if the fraction or the seed is not set
         */
        public FractionSplit build() {
            if (Double.isNaN(validationFraction)) {
                throw new IllegalStateException("validation fraction is required (setValidationFraction)");
            }
            if (seed == null) {
                throw new IllegalStateException("seed is required (setSeed)");
            }
            return new FractionSplit(this);
        }
    }
}
