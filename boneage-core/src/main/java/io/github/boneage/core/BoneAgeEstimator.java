package io.github.boneage.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Estimates bone age from hand radiographs. Implementations are thread-safe and hold native resources: close them.
 */
public interface BoneAgeEstimator extends AutoCloseable {

    /**
     * Estimates one radiograph.
     *
     * @param request the image and what is known about it
     * @return the estimate
     * @throws BoneAgeException naming the request's source when it cannot be estimated
     */
    BoneAgeEstimate estimate(EstimationRequest request);

    /**
     * Estimates many radiographs; one bad item is reported in its outcome and the others are still estimated.
     * Implementations may stack the images into one forward pass. The outcomes are in request order.
     *
     * @param requests the images
     * @return one outcome per request, in order
     */
    default List<EstimationOutcome> estimateBatch(List<EstimationRequest> requests) {
        List<EstimationOutcome> out = new ArrayList<>(requests.size());
        for (EstimationRequest r : requests) {
            try {
                out.add(EstimationOutcome.success(estimate(r)));
            } catch (BoneAgeException e) {
                out.add(EstimationOutcome.failure(r.sourceId(), e));
            }
        }
        return out;
    }

    /**
     * @return the region of interest the model reads, when the implementation knows it; empty means unknown, and
     *         callers must then assume the model needs the reference points
     */
    default Optional<RoiScheme> roiScheme() {
        return Optional.empty();
    }

    /**
     * @return whether the estimator reads the request's reference points when it carries them, though it also
     *         estimates without them (e.g. an {@link EnsembleEstimator} whose region members fall back to its
     *         whole-image members); a pipeline then passes points it located reliably and never refuses for their
     *         absence. False by default: the points are then read only when {@link #roiScheme()} needs them.
     */
    default boolean usesLandmarksWhenGiven() {
        return false;
    }

    /** @return the model behind this estimator */
    ModelInfo model();

    /** Releases native resources; the estimator cannot be used afterwards. */
    @Override
    void close();
}
