package io.github.boneage.clinical.uncertainty;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs any {@link BoneAgeEstimator} on the augmented copies of each image of a {@link TestTimeAugmentation} policy and
 * collects the predictions. The copies of several images go to the estimator in one
 * {@link BoneAgeEstimator#estimateBatch(List)} call, so engines that stack images run few, large forward passes.
 *
 * <p>Does not own the estimator: closing it stays the caller's job. Thread-safe when the estimator is.
 *
 * <p>An image fails as a whole when any of its copies fails (the error names the augmentation): a point estimate and
 * spread from fewer copies than the calibration assumed would make the calibrated interval wrong, so no copy is
 * silently left out. The other images of the batch are still estimated.
 */
public final class TtaPredictor {

    /** The most pixels of augmented copies held for one estimator call (one image's copies may exceed it). */
    public static final long MAX_PIXELS_PER_CALL = 64L << 20;

    private final BoneAgeEstimator estimator;
    private final TestTimeAugmentation policy;
    private final int imagesPerCall;

    private TtaPredictor(Builder b) {
        this.estimator = Objects.requireNonNull(b.estimator, "estimator is required (setEstimator)");
        this.policy = b.policy;
        this.imagesPerCall = b.imagesPerCall;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the policy */
    public TestTimeAugmentation policy() {
        return policy;
    }

    /** @return the wrapped estimator */
    public BoneAgeEstimator estimator() {
        return estimator;
    }

    /**
     * @param request one image
     * @return its predictions
     * @throws BoneAgeException naming the source and, where one failed, the augmentation
     */
    public TtaPrediction predict(EstimationRequest request) {
        return predictBatch(List.of(request)).get(0).orElseThrow();
    }

    /**
     * @param requests the images
     * @return one outcome per request, in order
     */
    public List<ItemOutcome<TtaPrediction>> predictBatch(List<EstimationRequest> requests) {
        List<ItemOutcome<TtaPrediction>> out = new ArrayList<>(requests.size());
        int start = 0;
        while (start < requests.size()) {
            // A chunk ends at imagesPerCall images or when its augmented copies would exceed the pixel budget, so a
            // batch of large (DICOM-sized) radiographs does not hold gigabytes of copies at once.
            long pixels = 0;
            int end = start;
            while (end < requests.size() && end - start < imagesPerCall) {
                long copies = (long) requests.get(end).image().width() * requests.get(end).image().height()
                        * policy.passesPerImage();
                if (end > start && pixels + copies > MAX_PIXELS_PER_CALL) {
                    break;
                }
                pixels += copies;
                end++;
            }
            out.addAll(predictChunk(requests.subList(start, end)));
            start = end;
        }
        return out;
    }

    private List<ItemOutcome<TtaPrediction>> predictChunk(List<EstimationRequest> chunk) {
        List<Augmentation> augmentations = policy.augmentations();
        int passes = augmentations.size();
        List<EstimationRequest> flat = new ArrayList<>(chunk.size() * passes);
        // Items whose augmentation itself failed (e.g. a degenerate image) are kept out of the engine call.
        BoneAgeException[] prepareErrors = new BoneAgeException[chunk.size()];
        int[] firstFlat = new int[chunk.size()];
        for (int i = 0; i < chunk.size(); i++) {
            EstimationRequest request = chunk.get(i);
            firstFlat[i] = flat.size();
            List<EstimationRequest> copies = new ArrayList<>(passes);
            try {
                for (Augmentation a : augmentations) {
                    copies.add(a.apply(request));
                }
                flat.addAll(copies);
            } catch (RuntimeException e) {
                prepareErrors[i] = new BoneAgeException(request.sourceId() + ": test-time augmentation failed: "
                        + e.getMessage(), e);
                firstFlat[i] = -1;
            }
        }
        List<EstimationOutcome> outcomes = flat.isEmpty() ? List.of() : estimator.estimateBatch(flat);
        List<ItemOutcome<TtaPrediction>> result = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            String source = chunk.get(i).sourceId();
            if (prepareErrors[i] != null) {
                result.add(ItemOutcome.failure(source, prepareErrors[i]));
                continue;
            }
            result.add(collect(source, outcomes.subList(firstFlat[i], firstFlat[i] + passes), augmentations));
        }
        return result;
    }

    private ItemOutcome<TtaPrediction> collect(String source, List<EstimationOutcome> outcomes,
                                               List<Augmentation> augmentations) {
        double[] months = new double[outcomes.size()];
        BoneAgeEstimate identity = null;
        for (int k = 0; k < outcomes.size(); k++) {
            EstimationOutcome o = outcomes.get(k);
            if (!o.isSuccess()) {
                BoneAgeException e = o.error().orElseThrow();
                if (k == 0) {
                    return ItemOutcome.failure(source, e);
                }
                return ItemOutcome.failure(source, new BoneAgeException(source + ": estimate of the augmented copy ("
                        + augmentations.get(k).label() + ") failed: " + e.getMessage(), e));
            }
            BoneAgeEstimate e = o.estimate().orElseThrow();
            months[k] = e.months();
            if (k == 0) {
                identity = e;
            }
        }
        return ItemOutcome.success(source, TtaPrediction.of(identity, months, policy.aggregation()));
    }

    /** Builder: {@code setX} for required fields, {@code optX} for optional ones. */
    public static final class Builder {
        private BoneAgeEstimator estimator;
        private TestTimeAugmentation policy = TestTimeAugmentation.defaults();
        private int imagesPerCall = 8;

        private Builder() {
        }

        /**
         * @param estimator the estimator to run on the augmented copies
         * @return this builder, with the estimator to run (required; not closed by the predictor)
         */
        public Builder setEstimator(BoneAgeEstimator estimator) {
            this.estimator = estimator;
            return this;
        }

        /**
         * @param policy which augmented copies to predict
         * @return this builder, with the policy (default {@link TestTimeAugmentation#defaults()})
         */
        public Builder optPolicy(TestTimeAugmentation policy) {
            this.policy = Objects.requireNonNull(policy);
            return this;
        }

        /**
         * @param images how many images' copies go into one {@code estimateBatch} call (default 8); bounds the
         *               memory held by augmented copies
         * @return this builder
         */
        public Builder optImagesPerCall(int images) {
            if (images < 1) {
                throw new IllegalArgumentException("images per call must be >= 1, got " + images);
            }
            this.imagesPerCall = images;
            return this;
        }

        /** @return the predictor */
        public TtaPredictor build() {
            return new TtaPredictor(this);
        }
    }
}
