package io.github.boneage.clinical.uncertainty;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a calibrated interval did on labelled images it was not fitted on.
 *
 * @param coverage         the target coverage
 * @param measuredCoverage the fraction of images whose reference age lies inside the interval
 * @param meanWidthMonths  the mean interval width (upper minus lower), in months
 */
public record CoverageMeasurement(@JsonProperty("coverage") double coverage,
                                  @JsonProperty("measuredCoverage") double measuredCoverage,
                                  @JsonProperty("meanWidthMonths") double meanWidthMonths) {
}
