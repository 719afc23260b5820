package io.github.boneage.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A weighted mean of several estimators, e.g. a whole-hand network and networks reading ROI1 and ROI2. Members that
 * read a region placed from the reference points run only on requests that carry the points; without them the
 * estimate is the whole-image members' mean alone, and says so: its {@link BoneAgeEstimate#roiScheme()} is then
 * {@link RoiScheme#WHOLE} and its model name ends in {@value #FALLBACK_SUFFIX}. Weights are renormalized over the
 * members that ran.
 *
 * <p>A member whose reading lies just outside the plausible range ({@link ImplausibleEstimateException}, at most
 * {@value #LEFT_OUT_MARGIN_MONTHS} months beyond it) is left out of that one estimate when another member read the
 * image, and the estimate says so: its model name then ends in {@code (without <member>: it read <x> months, outside
 * 0-240)}. Regression networks reading a region drift a little below birth on infants whose region holds few ossified
 * bones (model v2's ROI2 network read -9.4 months for a 12-month-old whose other members read 11.0 and 13.5); a reading
 * farther out, or not finite, still fails the request, as it means a broken member rather than an edge of its range.
 *
 * <p>An ensemble may carry a {@link LinearCorrection} per sex ({@link Builder#optCorrection}), applied to the weighted
 * mean of every request of that sex (with or without reference points); a request of unknown sex is not corrected,
 * as the correction was fitted on patients of known sex.
 *
 * <p>The ensemble owns its members: closing it closes them. It is thread-safe when its members are.
 */
public final class EnsembleEstimator implements BoneAgeEstimator {

    /** Appended to the model name of an estimate made without the region members (no reference points given). */
    public static final String FALLBACK_SUFFIX = " (whole-image members only: no reference points)";

    /** How far beyond [0, 240] months a member's reading may lie and be left out rather than fail the request. */
    public static final double LEFT_OUT_MARGIN_MONTHS = 24;

    private final List<Member> members;
    private final ModelInfo model;
    private final ModelInfo fallbackModel;
    private final boolean hasWholeMembers;
    private final boolean hasRegionMembers;
    private final Map<Sex, LinearCorrection> corrections;

    /**
     * One member of an ensemble.
     *
     * @param estimator the member
     * @param weight    its weight, positive
     */
    public record Member(BoneAgeEstimator estimator, double weight) {

        /**
         * Checks the weight.
         *
         * @param estimator the member
         * @param weight its weight, positive and finite
         */
        public Member {
            Objects.requireNonNull(estimator, "estimator");
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("an ensemble member's weight must be positive and finite, got " + weight
                        + " for " + estimator.model().name());
            }
        }

        /** @return whether this member reads a region placed from the reference points */
        public boolean readsRegion() {
            return estimator.roiScheme().map(RoiScheme::needsLandmarks).orElse(true);
        }
    }

    private EnsembleEstimator(Builder b) {
        if (b.members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one member (addMember)");
        }
        this.members = List.copyOf(b.members);
        this.corrections = Collections.unmodifiableMap(new EnumMap<>(b.corrections));
        this.hasWholeMembers = members.stream().anyMatch(m -> !m.readsRegion());
        this.hasRegionMembers = members.stream().anyMatch(Member::readsRegion);
        List<ModelInfo> infos = members.stream().map(m -> m.estimator().model()).toList();
        String architecture = architectureOf(infos);
        String digest = digestOf(infos, members.stream().map(Member::weight).toList(), corrections);
        String name = b.name != null ? b.name : members.stream().map(m -> m.estimator().model().name())
                .collect(Collectors.joining(" + ", "ensemble of ", ""));
        ModelProvenance provenance = b.provenance != null ? b.provenance : new ModelProvenance(
                "see the members' provenance", "see the members' provenance", Map.of("members", describe(members)),
                Map.of(), "unknown", "unknown");
        this.model = new ModelInfo(name, architecture, digest, provenance, b.heldOut);
        this.fallbackModel = new ModelInfo(name + FALLBACK_SUFFIX, architecture, digest, provenance, null);
    }

    /**
     * @param members the members' identities, in the ensemble's order
     * @return the ensemble's architecture as its {@link #model()} states it: the members' distinct architectures,
     *         joined by {@code +}
     */
    public static String architectureOf(List<ModelInfo> members) {
        return members.stream().map(ModelInfo::architecture).distinct().collect(Collectors.joining("+"));
    }

    /**
     * The ensemble's weights digest as its {@link #model()} states it (what a reader of the bundle without an engine
     * must compute to check a loaded ensemble): the members' digests in order, joined by {@code ,}, then
     * {@code ;weights } and the weights, then, when there is one, {@code ;correction } and each sex's intercept and
     * slope. The weights and the correction are in it because they change every estimate: an uncertainty calibration
     * or a cached result made for other weights must not pass for this ensemble's.
     *
     * @param members     the members' identities, in the ensemble's order
     * @param weights     their weights, in the same order
     * @param corrections the correction per sex (empty: none)
     * @return the digest
     */
    public static String digestOf(List<ModelInfo> members, List<Double> weights, Map<Sex, LinearCorrection> corrections) {
        if (members.size() != weights.size()) {
            throw new IllegalArgumentException(members.size() + " members but " + weights.size() + " weights");
        }
        StringBuilder digest = new StringBuilder(members.stream().map(ModelInfo::digest).collect(Collectors.joining(",")));
        digest.append(";weights ").append(weights.stream().map(String::valueOf).collect(Collectors.joining(",")));
        if (!corrections.isEmpty()) {
            digest.append(";correction ").append(new EnumMap<>(corrections).entrySet().stream()
                    .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue().intercept() + " "
                            + e.getValue().slope())
                    .collect(Collectors.joining(",")));
        }
        return digest.toString();
    }

    private static String describe(List<Member> members) {
        return members.stream().map(m -> String.format(Locale.ROOT, "%s (%s, weight %.3f)", m.estimator().model().name(),
                m.estimator().roiScheme().map(RoiScheme::label).orElse("unknown region"), m.weight()))
                .collect(Collectors.joining("; "));
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public BoneAgeEstimate estimate(EstimationRequest request) {
        return estimateBatch(List.of(request)).get(0).orElseThrow();
    }

    /**
     * Runs each member over the whole batch (so each can stack the images into its own forward passes) and combines
     * the readings per request. A request any used member fails is a failure, with that member's error.
     */
    @Override
    public List<EstimationOutcome> estimateBatch(List<EstimationRequest> requests) {
        List<EstimationRequest> withPoints = new ArrayList<>();
        for (EstimationRequest r : requests) {
            if (r.landmarks().isPresent()) {
                withPoints.add(r);
            }
        }
        List<List<EstimationOutcome>> readings = new ArrayList<>();
        for (Member m : members) {
            readings.add(m.readsRegion() ? m.estimator().estimateBatch(withPoints) : m.estimator().estimateBatch(requests));
        }
        List<EstimationOutcome> out = new ArrayList<>(requests.size());
        int pointIndex = 0;
        for (int i = 0; i < requests.size(); i++) {
            EstimationRequest r = requests.get(i);
            boolean points = r.landmarks().isPresent();
            if (!points && !hasWholeMembers) {
                out.add(EstimationOutcome.failure(r.sourceId(), new MissingLandmarksException(r.sourceId() + ": every member "
                        + "of " + model.name() + " reads a region placed from the reference points, and none were given")));
                continue;
            }
            double sum = 0;
            double weights = 0;
            BoneAgeEstimate regionReading = null;
            BoneAgeEstimate anyReading = null;
            BoneAgeException error = null;
            ImplausibleEstimateException firstLeftOut = null;
            List<String> leftOut = new ArrayList<>();
            for (int k = 0; k < members.size(); k++) {
                Member m = members.get(k);
                if (m.readsRegion() && !points) {
                    continue;
                }
                EstimationOutcome o = readings.get(k).get(m.readsRegion() ? pointIndex : i);
                if (o.error().isPresent()) {
                    if (o.error().get() instanceof ImplausibleEstimateException implausible
                            && nearTheRange(implausible.months())) {
                        firstLeftOut = firstLeftOut == null ? implausible : firstLeftOut;
                        leftOut.add(String.format(Locale.ROOT, "%s: it read %.1f months", m.estimator().model().name(),
                                implausible.months()));
                        continue;
                    }
                    error = o.error().get();
                    break;
                }
                BoneAgeEstimate e = o.estimate().orElseThrow();
                sum += m.weight() * e.months();
                weights += m.weight();
                anyReading = anyReading == null ? e : anyReading;
                regionReading = regionReading == null && m.readsRegion() ? e : regionReading;
            }
            if (points) {
                pointIndex++;
            }
            if (error == null && anyReading == null) {
                // Every member that ran read the image out of range: nothing is left to average.
                error = firstLeftOut;
            }
            if (error != null) {
                out.add(EstimationOutcome.failure(r.sourceId(), error));
                continue;
            }
            BoneAgeEstimate shown = regionReading != null ? regionReading : anyReading;
            boolean fallback = hasRegionMembers && !points;
            ModelInfo used = fallback ? fallbackModel : model;
            if (!leftOut.isEmpty()) {
                used = new ModelInfo(used.name() + " (without " + String.join("; ", leftOut) + ", outside "
                        + (int) ImplausibleEstimateException.MIN_MONTHS + "-" + (int) ImplausibleEstimateException.MAX_MONTHS
                        + ")", used.architecture(), used.digest(), used.provenance(), used.heldOutMetrics());
            }
            LinearCorrection correction = corrections.get(r.sex());
            double months = correction == null ? sum / weights : correction.apply(sum / weights);
            out.add(EstimationOutcome.success(new BoneAgeEstimate(r.sourceId(), months, anyReading.sexUsed(),
                    shown.roiScheme(), shown.roi(), used, r.landmarks(), Optional.empty())));
        }
        return out;
    }

    private static boolean nearTheRange(double months) {
        return Double.isFinite(months) && months >= ImplausibleEstimateException.MIN_MONTHS - LEFT_OUT_MARGIN_MONTHS
                && months <= ImplausibleEstimateException.MAX_MONTHS + LEFT_OUT_MARGIN_MONTHS;
    }

    /**
     * @return {@link RoiScheme#WHOLE} when some member reads the whole image (the ensemble then estimates without
     *         reference points); otherwise the first member's region, which needs them
     */
    @Override
    public Optional<RoiScheme> roiScheme() {
        return hasWholeMembers ? Optional.of(RoiScheme.WHOLE) : members.get(0).estimator().roiScheme();
    }

    /** @return whether region members run when a request carries reference points (and whole-image ones do without) */
    @Override
    public boolean usesLandmarksWhenGiven() {
        return hasRegionMembers;
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    /** @return the members, in the order given */
    public List<Member> members() {
        return members;
    }

    /** @return the correction applied per sex (empty: none); a sex without one is not corrected */
    public Map<Sex, LinearCorrection> corrections() {
        return corrections;
    }

    /** Closes every member, even when one fails to close; the first failure is rethrown. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (Member m : members) {
            try {
                m.estimator().close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "EnsembleEstimator[" + describe(members) + (corrections.isEmpty() ? "" : "; corrected " + corrections) + "]";
    }

    /** Builder: {@code addMember} for each member (at least one), {@code optX} for the rest. */
    public static final class Builder {
        private final List<Member> members = new ArrayList<>();
        private String name;
        private ModelProvenance provenance;
        private HeldOutMetrics heldOut;
        private final Map<Sex, LinearCorrection> corrections = new EnumMap<>(Sex.class);

        private Builder() {
        }

        /**
         * @param estimator a member, owned by the ensemble from now on (closed with it)
         * @param weight    its weight, positive
         * @return this builder, with the member added
         */
        public Builder addMember(BoneAgeEstimator estimator, double weight) {
            members.add(new Member(estimator, weight));
            return this;
        }

        /**
         * @param name the ensemble's name in results (default: "ensemble of " and the members' names)
         * @return this builder, with the name set
         */
        public Builder optName(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param provenance how the ensemble was made (default: a pointer to the members' provenance)
         * @return this builder, with the provenance set
         */
        public Builder optProvenance(ModelProvenance provenance) {
            this.provenance = Objects.requireNonNull(provenance, "provenance");
            return this;
        }

        /**
         * @param heldOut the ensemble's accuracy on untouched held-out images, as measured (default: none recorded)
         * @return this builder, with the held-out figures set
         */
        public Builder optHeldOutMetrics(HeldOutMetrics heldOut) {
            this.heldOut = Objects.requireNonNull(heldOut, "heldOut");
            return this;
        }

        /**
         * @param sex        {@link Sex#MALE} or {@link Sex#FEMALE}: the patients whose estimates it corrects
         * @param correction the straight line applied to their weighted mean (default: none)
         * @return this builder, with the correction set
         * @throws IllegalArgumentException for {@link Sex#UNKNOWN}: a correction is fitted per known sex
         */
        public Builder optCorrection(Sex sex, LinearCorrection correction) {
            Objects.requireNonNull(sex, "sex");
            Objects.requireNonNull(correction, "correction");
            if (sex == Sex.UNKNOWN) {
                throw new IllegalArgumentException("a correction is for male or female patients, not " + sex);
            }
            corrections.put(sex, correction);
            return this;
        }

        /** @return the ensemble; it owns the members from now on */
        public EnsembleEstimator build() {
            return new EnsembleEstimator(this);
        }
    }
}
