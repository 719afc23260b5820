package io.github.boneage.core.landmarks;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ReferencePoint;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link LandmarkDetector} found on one radiograph: the quality gate's verdict with its reason and, when a hand
 * was located, its reference points and fingertips with a confidence in [0, 1] per point.
 *
 * @param verdict            the quality gate's verdict
 * @param reason             why the verdict was given, in words fit for a user (for {@link QualityVerdict#OK}, a
 *                           short summary)
 * @param landmarks          the located points (the seven reference points plus fingertips), in the input image's
 *                           pixel coordinates; present whenever points were located, including for
 *                           {@link QualityVerdict#LOW_CONFIDENCE}, absent otherwise
 * @param pointConfidence    confidence per reference point, in [0, 1]; empty when no points were located
 * @param confidence         overall confidence in [0, 1] that the points are usable
 * @param invertedCorrected  {@code true} when the image was found to be inverted (bone dark) and was read inverted
 * @param handMask           where the hand is, when the detector has a mask head (the learned detector's does) and
 *                           found a hand; empty otherwise
 */
public record LandmarkDetection(QualityVerdict verdict, String reason, Optional<HandLandmarks> landmarks,
        Map<ReferencePoint, Double> pointConfidence, double confidence, boolean invertedCorrected,
        Optional<HandMask> handMask) {

    /**
     * A detection without a hand mask (detectors without a mask head).
     *
     * @param verdict the quality gate's verdict
     * @param reason why the verdict was given
     * @param landmarks the located points, in the input image's pixel coordinates
     * @param pointConfidence confidence per reference point, in [0, 1]
     * @param confidence overall confidence in [0, 1] that the points are usable
     * @param invertedCorrected {@code true} when the image was found to be inverted and was read inverted
     */
    public LandmarkDetection(QualityVerdict verdict, String reason, Optional<HandLandmarks> landmarks,
            Map<ReferencePoint, Double> pointConfidence, double confidence, boolean invertedCorrected) {
        this(verdict, reason, landmarks, pointConfidence, confidence, invertedCorrected, Optional.empty());
    }

    /**
     * Checks the fields' consistency: OK always carries landmarks; confidences lie in [0, 1].
     *
     * @param verdict the quality gate's verdict
     * @param reason why the verdict was given, in words fit for a user (for {@link QualityVerdict#OK}, a short summary)
     * @param landmarks the located points (the seven reference points plus fingertips), in the input image's pixel
     *                  coordinates; present whenever points were located, including for {@link
     *                  QualityVerdict#LOW_CONFIDENCE}, absent otherwise
     * @param pointConfidence confidence per reference point, in [0, 1]; empty when no points were located
     * @param confidence overall confidence in [0, 1] that the points are usable
     * @param invertedCorrected {@code true} when the image was found to be inverted (bone dark) and was read inverted
     * @param handMask where the hand is, when the detector has a mask head and found a hand; empty otherwise
     */
    public LandmarkDetection {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(handMask, "handMask");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(landmarks, "landmarks");
        pointConfidence = Map.copyOf(pointConfidence);
        if (verdict == QualityVerdict.OK && landmarks.isEmpty()) {
            throw new IllegalArgumentException("an OK detection must carry landmarks");
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must lie in [0, 1], got " + confidence);
        }
        for (Map.Entry<ReferencePoint, Double> e : pointConfidence.entrySet()) {
            if (!(e.getValue() >= 0 && e.getValue() <= 1)) {
                throw new IllegalArgumentException("confidence of " + e.getKey() + " must lie in [0, 1], got " + e.getValue());
            }
        }
    }

    /**
     * @param mask the hand mask to carry
     * @return this detection with {@code mask} as its hand mask
     */
    public LandmarkDetection withHandMask(Optional<HandMask> mask) {
        return new LandmarkDetection(verdict, reason, landmarks, pointConfidence, confidence, invertedCorrected, mask);
    }

    /** @return {@code true} when the quality gate passed */
    public boolean ok() {
        return verdict == QualityVerdict.OK;
    }
}
