package io.github.boneage.clinical.uncertainty;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/** How the predictions of the augmented copies of one image become its point estimate. */
public enum Aggregation {
    /**
     * The median (the mean of the two middle values for an even count). The default: one augmentation that pushes a
     * hand partly out of the picture or turns a landmark-based ROI badly can give an outlying prediction, and the
     * median ignores a single outlier where the mean would move by a share of it.
     */
    @JsonProperty("median")
    MEDIAN,
    /** The arithmetic mean: slightly lower variance when every augmented prediction is sound. */
    @JsonProperty("mean")
    MEAN;

    /**
     * @param values at least one prediction, in months (not modified)
     * @return the aggregate
     * @throws IllegalArgumentException if there are no values
     */
    public double aggregate(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no predictions to aggregate");
        }
        if (this == MEAN) {
            double sum = 0;
            for (double v : values) {
                sum += v;
            }
            return sum / values.length;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
