package io.github.boneage.core;

/**
 * One bone-age estimate.
 *
 * @param sourceId  the request's source name
 * @param months    estimated bone age in months
 * @param sexUsed   the sex the model was run with ({@link Sex#UNKNOWN} for a sex-agnostic model)
 * @param roiScheme the ROI scheme applied
 * @param roi       the rectangle of the original image the model saw
 * @param model     the model that made the estimate
 */
public record BoneAgeEstimate(String sourceId, double months, Sex sexUsed, RoiScheme roiScheme, Roi roi, ModelInfo model) {

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
