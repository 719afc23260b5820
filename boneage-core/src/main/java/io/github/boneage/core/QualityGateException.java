package io.github.boneage.core;

import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.QualityVerdict;

/**
 * Thrown instead of estimating when the quality gate rejected an image (no hand, two hands, not a hand, too low
 * confidence): an estimate on such an image would be garbage.
 */
public class QualityGateException extends BoneAgeException {

    private final transient LandmarkDetection detection;

    /**
     * @param sourceId  the rejected image
     * @param detection the detector's verdict and reason
     */
    public QualityGateException(String sourceId, LandmarkDetection detection) {
        super(sourceId + ": quality gate " + detection.verdict() + ": " + detection.reason());
        this.detection = detection;
    }

    /** @return the verdict that rejected the image */
    public QualityVerdict verdict() {
        return detection.verdict();
    }

    /** @return the full detection, with any points that were located */
    public LandmarkDetection detection() {
        return detection;
    }
}
