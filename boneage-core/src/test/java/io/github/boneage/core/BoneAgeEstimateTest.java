package io.github.boneage.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BoneAgeEstimateTest {

    @ParameterizedTest
    @CsvSource({"0,0 years 0 months", "11.4,0 years 11 months", "11.5,1 years 0 months", "150.2,12 years 6 months",
            "-3,-0 years 3 months", "-14,-1 years 2 months"})
    void humanReadableRoundsToWholeMonths(double months, String expected) {
        BoneAgeEstimate e = new BoneAgeEstimate("x", months, Sex.MALE, RoiScheme.ROI1, new Roi(0, 0, 1, 1),
                new ModelInfo("m", "resnet50", "unknown", ModelProvenance.unknown()));
        assertThat(e.humanReadable()).isEqualTo(expected);
    }
}
