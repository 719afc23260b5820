package io.github.boneage.clinical.uncertainty;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A calibration's check on held-out images, stored with it so a reader sees how well it held.
 *
 * @param data         which images, e.g. the evaluation half of a model's held-out ids
 * @param n            how many
 * @param measurements one per calibrated coverage level
 */
public record CalibrationEvaluation(@JsonProperty("data") String data, @JsonProperty("n") int n,
                                    @JsonProperty("measurements") List<CoverageMeasurement> measurements) {

    /**
     * Copies the list.
     *
     * @param data which images, e.g. the evaluation half of a model's held-out ids
     * @param n how many
     * @param measurements one per calibrated coverage level
     */
    public CalibrationEvaluation {
        measurements = List.copyOf(measurements);
    }
}
