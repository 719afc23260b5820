package io.github.boneage.clinical.uncertainty;

import io.github.boneage.core.BoneAgeEstimate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The test-time augmentation predictions of one image, before any interval.
 *
 * @param identity       the estimate of the unchanged image (its ROI, scheme, model and sex are the ones to report)
 * @param augmentedMonths one prediction per augmentation of the policy, in policy order (the identity's first)
 * @param pointMonths    the policy's aggregate of the predictions
 * @param spreadMonths   the sample standard deviation of the predictions (0 for a single one)
 */
public record TtaPrediction(BoneAgeEstimate identity, List<Double> augmentedMonths, double pointMonths,
                            double spreadMonths) {

    /**
     * Copies the list.
     *
     * @param identity the estimate of the unchanged image (its ROI, scheme, model and sex are the ones to report)
     * @param augmentedMonths one prediction per augmentation of the policy, in policy order (the identity's first)
     * @param pointMonths the policy's aggregate of the predictions
     * @param spreadMonths the sample standard deviation of the predictions (0 for a single one)
     */
    public TtaPrediction {
        Objects.requireNonNull(identity, "identity");
        augmentedMonths = List.copyOf(augmentedMonths);
    }

    /**
     * @param identity    the estimate of the unchanged image
     * @param months      the predictions in policy order
     * @param aggregation how to combine them
     * @return the prediction with point and spread computed
     */
    public static TtaPrediction of(BoneAgeEstimate identity, double[] months, Aggregation aggregation) {
        double mean = 0;
        for (double m : months) {
            mean += m;
        }
        mean /= months.length;
        double ss = 0;
        for (double m : months) {
            ss += (m - mean) * (m - mean);
        }
        double spread = months.length > 1 ? Math.sqrt(ss / (months.length - 1)) : 0;
        List<Double> list = Arrays.stream(months).boxed().toList();
        return new TtaPrediction(identity, list, aggregation.aggregate(months), spread);
    }

    /** @return the image's source name */
    public String sourceId() {
        return identity.sourceId();
    }
}
