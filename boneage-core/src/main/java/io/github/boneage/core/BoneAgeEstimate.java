package io.github.boneage.core;

import io.github.boneage.core.landmarks.LandmarkDetection;

import java.util.Objects;
import java.util.Optional;

/**
 * One bone-age estimate.
 *
 * @param sourceId  the request's source name
 * @param months    estimated bone age in months
 * @param sexUsed   the sex the model was run with ({@link Sex#UNKNOWN} for a sex-agnostic model)
 * @param roiScheme the ROI scheme applied
 * @param roi       the rectangle of the original image the model saw
 * @param model     the model that made the estimate
 * @param landmarks the reference points the ROI was taken from: the caller's, or the detector's; empty when none
 *                  were given or needed
 * @param detection the automatic landmark detector's result (its quality-gate verdict, confidences), when a detector
 *                  ran on this image
 */
public record BoneAgeEstimate(String sourceId, double months, Sex sexUsed, RoiScheme roiScheme, Roi roi, ModelInfo model,
        Optional<HandLandmarks> landmarks, Optional<LandmarkDetection> detection) {

    /**
     * Checks that the optional parts are present-or-empty, never {@code null}.
     *
     * @param sourceId the request's source name
     * @param months estimated bone age in months
     * @param sexUsed the sex the model was run with ({@link Sex#UNKNOWN} for a sex-agnostic model)
     * @param roiScheme the ROI scheme applied
     * @param roi the rectangle of the original image the model saw
     * @param model the model that made the estimate
     * @param landmarks the reference points the ROI was taken from: the caller's, or the detector's; empty when none
     *                  were given or needed
     * @param detection the automatic landmark detector's result (its quality-gate verdict, confidences), when a
     *                  detector ran on this image
     */
    public BoneAgeEstimate {
        Objects.requireNonNull(landmarks, "landmarks");
        Objects.requireNonNull(detection, "detection");
    }

    /**
     * An estimate with neither landmarks nor a detection.
     *
     * @param sourceId  the request's source name
     * @param months    estimated bone age in months
     * @param sexUsed   the sex the model was run with
     * @param roiScheme the ROI scheme applied
     * @param roi       the rectangle of the original image the model saw
     * @param model     the model that made the estimate
     */
    public BoneAgeEstimate(String sourceId, double months, Sex sexUsed, RoiScheme roiScheme, Roi roi, ModelInfo model) {
        this(sourceId, months, sexUsed, roiScheme, roi, model, Optional.empty(), Optional.empty());
    }

    /**
     * @return the estimate as "Y years M months" for people, rounded to whole months; a (regression) estimate below
     *     zero keeps its sign in front, e.g. "-0 years 3 months" for -3 months, rather than "0 years -3 months"
     */
    public String humanReadable() {
        long total = Math.round(months);
        String sign = total < 0 ? "-" : "";
        long magnitude = Math.abs(total);
        return sign + (magnitude / 12) + " years " + (magnitude % 12) + " months";
    }
}
