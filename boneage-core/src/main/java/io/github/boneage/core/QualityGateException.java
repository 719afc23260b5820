package io.github.boneage.core;

import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.QualityVerdict;

/**
 * Thrown instead of estimating when the quality gate rejected an image (no hand, two hands, not a hand, too low
 * confidence): an estimate on such an image would be garbage.
 */
public class QualityGateException extends BoneAgeException {

    /** Why the image was rejected. */
    private final QualityVerdict verdict;
    /** The reason in words fit for a user. */
    private final String reason;
    private final transient LandmarkDetection detection;

    /**
     * @param sourceId  the rejected image
     * @param detection the detector's verdict and reason
     */
    public QualityGateException(String sourceId, LandmarkDetection detection) {
        this(sourceId, detection.verdict(), detection.reason(), detection);
    }

    /**
     * A rejection by a check other than the landmark detector's own verdict (inversion, orientation, bone structure).
     *
     * @param sourceId  the rejected image
     * @param verdict   why it was rejected; never {@link QualityVerdict#OK}
     * @param reason    the reason in words fit for a user
     * @param detection what the landmark detector found, or {@code null} when it did not run
     * @throws IllegalArgumentException if the verdict is {@link QualityVerdict#OK}
     */
    public QualityGateException(String sourceId, QualityVerdict verdict, String reason, LandmarkDetection detection) {
        super(sourceId + ": quality gate " + verdict + ": " + reason);
        if (verdict == QualityVerdict.OK) {
            throw new IllegalArgumentException("an OK verdict rejects nothing");
        }
        this.verdict = verdict;
        this.reason = reason;
        this.detection = detection;
    }

    /** @return the verdict that rejected the image */
    public QualityVerdict verdict() {
        return verdict;
    }

    /** @return the reason for the rejection, in words fit for a user */
    public String reason() {
        return reason;
    }

    /**
     * @return the landmark detector's full detection, with any points that were located, or {@code null} when the
     *         image was rejected before the detector ran
     */
    public LandmarkDetection detection() {
        return detection;
    }
}
