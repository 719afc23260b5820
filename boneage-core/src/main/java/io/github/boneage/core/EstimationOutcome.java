package io.github.boneage.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of one item of a batch: an estimate, or the reason this item failed. A failed item never stops the rest
 * of the batch.
 */
public final class EstimationOutcome {

    private final String sourceId;
    private final BoneAgeEstimate estimate;
    private final BoneAgeException error;

    private EstimationOutcome(String sourceId, BoneAgeEstimate estimate, BoneAgeException error) {
        this.sourceId = Objects.requireNonNull(sourceId);
        this.estimate = estimate;
        this.error = error;
    }

    /**
     * @param estimate the estimate
     * @return a successful outcome
     */
    public static EstimationOutcome success(BoneAgeEstimate estimate) {
        return new EstimationOutcome(estimate.sourceId(), estimate, null);
    }

    /**
     * @param sourceId the input that failed, as named in messages
     * @param error why it failed
     * @return a failed outcome for the named input
     */
    public static EstimationOutcome failure(String sourceId, BoneAgeException error) {
        return new EstimationOutcome(sourceId, null, Objects.requireNonNull(error));
    }

    /** @return the input's name */
    public String sourceId() {
        return sourceId;
    }

    /** @return whether this item succeeded */
    public boolean isSuccess() {
        return estimate != null;
    }

    /** @return the estimate, if this item succeeded */
    public Optional<BoneAgeEstimate> estimate() {
        return Optional.ofNullable(estimate);
    }

    /** @return why this item failed, if it did */
    public Optional<BoneAgeException> error() {
        return Optional.ofNullable(error);
    }

    /**
     * @return the estimate
     * @throws BoneAgeException this item's error, when it failed (what {@link BoneAgeEstimator#estimate} throws for a
     *                          single request)
     */
    public BoneAgeEstimate orElseThrow() {
        if (error != null) {
            throw error;
        }
        return estimate;
    }
}
