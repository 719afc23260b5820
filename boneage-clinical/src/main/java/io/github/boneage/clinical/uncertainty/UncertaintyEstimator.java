package io.github.boneage.clinical.uncertainty;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Wraps any {@link BoneAgeEstimator} to give each estimate a calibrated interval: the image is estimated on the
 * calibration's test-time augmentations, the point estimate is their aggregate, and the interval is the calibration's
 * half-width rule around it.
 *
 * <pre>{@code
 * try (BoneAgeEstimator model = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
 *     UncertaintyEstimator u = UncertaintyEstimator.builder()
 *             .setEstimator(model)
 *             .setCalibration(UncertaintyCalibration.read(UncertaintyCalibration.fileFor(bundle)))
 *             .build();
 *     IntervalEstimate e = u.estimate(request);   // e.months(), e.lowerMonths(), e.upperMonths()
 * }
 * }</pre>
 *
 * <p>The calibration must belong to the estimator's model (same weights digest): a calibration measured on another
 * model says nothing about this one, so a mismatch is refused at build time. Does not own the estimator.
 */
public final class UncertaintyEstimator {

    /** The coverage used when none is chosen. */
    public static final double DEFAULT_COVERAGE = 0.9;

    private final TtaPredictor predictor;
    private final UncertaintyCalibration calibration;
    private final double coverage;

    private UncertaintyEstimator(Builder b) {
        BoneAgeEstimator estimator = Objects.requireNonNull(b.estimator, "estimator is required (setEstimator)");
        this.calibration = Objects.requireNonNull(b.calibration, "calibration is required (setCalibration)");
        String digest = estimator.model().digest();
        if (!calibration.model().digest().equals(digest)) {
            throw new IllegalArgumentException("the uncertainty calibration was fitted for model "
                    + calibration.model().name() + " (weights " + calibration.model().digest() + "), not for "
                    + estimator.model().name() + " (weights " + digest + "); re-run the calibration for this model");
        }
        this.coverage = b.coverage;
        calibration.level(coverage);
        this.predictor = TtaPredictor.builder().setEstimator(estimator).optPolicy(calibration.augmentation())
                .optImagesPerCall(b.imagesPerCall).build();
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the calibration in use */
    public UncertaintyCalibration calibration() {
        return calibration;
    }

    /** @return the target coverage of the intervals */
    public double coverage() {
        return coverage;
    }

    /** @return the number of forward passes per image */
    public int passesPerImage() {
        return calibration.augmentation().passesPerImage();
    }

    /**
     * @param request one image
     * @return its estimate with interval
     * @throws BoneAgeException naming the source when it cannot be estimated
     */
    public IntervalEstimate estimate(EstimationRequest request) {
        return estimateBatch(List.of(request)).get(0).orElseThrow();
    }

    /**
     * @param requests the images
     * @return one outcome per request, in order; one bad image fails alone
     */
    public List<ItemOutcome<IntervalEstimate>> estimateBatch(List<EstimationRequest> requests) {
        List<ItemOutcome<TtaPrediction>> predictions = predictor.predictBatch(requests);
        List<ItemOutcome<IntervalEstimate>> out = new ArrayList<>(predictions.size());
        for (ItemOutcome<TtaPrediction> p : predictions) {
            if (!p.isSuccess()) {
                out.add(ItemOutcome.failure(p.sourceId(), p.error().orElseThrow()));
                continue;
            }
            out.add(ItemOutcome.success(p.sourceId(), withInterval(p.value().orElseThrow())));
        }
        return out;
    }

    private IntervalEstimate withInterval(TtaPrediction p) {
        BoneAgeEstimate id = p.identity();
        BoneAgeEstimate point = new BoneAgeEstimate(id.sourceId(), p.pointMonths(), id.sexUsed(), id.roiScheme(),
                id.roi(), id.model());
        double[] iv = calibration.interval(p.pointMonths(), p.spreadMonths(), coverage);
        return new IntervalEstimate(point, iv[0], iv[1], coverage, p);
    }

    /** Builder: {@code setX} for required fields, {@code optX} for optional ones. */
    public static final class Builder {
        private BoneAgeEstimator estimator;
        private UncertaintyCalibration calibration;
        private double coverage = DEFAULT_COVERAGE;
        private int imagesPerCall = 8;

        private Builder() {
        }

        /**
         * @param estimator the estimator to wrap
         * @return this builder, with the estimator to wrap (required; not closed by this class)
         */
        public Builder setEstimator(BoneAgeEstimator estimator) {
            this.estimator = estimator;
            return this;
        }

        /**
         * @param calibration the estimator's calibration, from {@link IntervalCalibrator}
         * @return this builder, with the estimator's calibration (required)
         */
        public Builder setCalibration(UncertaintyCalibration calibration) {
            this.calibration = calibration;
            return this;
        }

        /**
         * @param coverage the target coverage, one of the calibration's levels
         * @return this builder, with the target coverage, one of the calibration's levels (default 0.9)
         */
        public Builder optCoverage(double coverage) {
            this.coverage = coverage;
            return this;
        }

        /**
         * @param images how many images' augmented copies go into one estimator call
         * @return this builder, with how many images' augmented copies go into one estimator call (default 8)
         */
        public Builder optImagesPerCall(int images) {
            if (images < 1) {
                throw new IllegalArgumentException("images per call must be >= 1, got " + images);
            }
            this.imagesPerCall = images;
            return this;
        }

        /** @return the estimator */
        public UncertaintyEstimator build() {
            return new UncertaintyEstimator(this);
        }
    }
}
