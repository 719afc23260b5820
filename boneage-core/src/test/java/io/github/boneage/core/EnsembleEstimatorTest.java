package io.github.boneage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.testing.TestHands;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How an ensemble combines its members' readings: weights renormalized over the members that ran, a member just
 * outside the plausible range left out and named, one far outside (or not finite) failing the request.
 */
class EnsembleEstimatorTest {

    /** A member that reads every image as one fixed value, refused out of range as the model-backed estimators refuse it. */
    private record Fixed(String name, RoiScheme roi, double months) implements BoneAgeEstimator {

        @Override
        public BoneAgeEstimate estimate(EstimationRequest request) {
            if (!ImplausibleEstimateException.isPlausible(months)) {
                throw new ImplausibleEstimateException(request.sourceId(), months, name);
            }
            return new BoneAgeEstimate(request.sourceId(), months, request.sex(), roi, null, model());
        }

        @Override
        public java.util.Optional<RoiScheme> roiScheme() {
            return java.util.Optional.of(roi);
        }

        @Override
        public ModelInfo model() {
            return new ModelInfo(name, "fixed", name + "-digest", new ModelProvenance("none", "none", java.util.Map.of(),
                    java.util.Map.of(), "test", "now"));
        }

        @Override
        public void close() {
        }
    }

    private static EstimationRequest withPoints(String id) {
        return EstimationRequest.builder().setImage(new GreyImage8(TestHands.WIDTH, TestHands.HEIGHT)).optSourceId(id)
                .optLandmarks(TestHands.upright()).build();
    }

    private static EnsembleEstimator ensemble(double roi2Months) {
        return EnsembleEstimator.builder().optName("e")
                .addMember(new Fixed("whole", RoiScheme.WHOLE, 11.0), 0.35)
                .addMember(new Fixed("roi1", RoiScheme.ROI1, 13.5), 0.25)
                .addMember(new Fixed("roi2", RoiScheme.ROI2, roi2Months), 0.40)
                .build();
    }

    @Test
    void aMemberJustBelowBirthIsLeftOutAndNamed() {
        try (EnsembleEstimator e = ensemble(-9.4)) {
            EstimationOutcome o = e.estimateBatch(List.of(withPoints("infant"))).get(0);
            assertThat(o.isSuccess()).as("%s", o).isTrue();
            BoneAgeEstimate estimate = o.estimate().orElseThrow();
            assertThat(estimate.months()).isCloseTo((0.35 * 11.0 + 0.25 * 13.5) / 0.60, within(1e-9));
            assertThat(estimate.model().name()).isEqualTo("e (without roi2: it read -9.4 months, outside 0-240)");
            assertThat(estimate.model().digest()).isEqualTo(e.model().digest());
            assertThat(estimate.roiScheme()).isEqualTo(RoiScheme.ROI1);
        }
    }

    @Test
    void aMemberFarOutOfRangeOrNotFiniteStillFailsTheRequest() {
        for (double broken : new double[] {-30, 300, Double.NaN, Double.POSITIVE_INFINITY}) {
            try (EnsembleEstimator e = ensemble(broken)) {
                EstimationOutcome o = e.estimateBatch(List.of(withPoints("x"))).get(0);
                assertThat(o.isSuccess()).as("%s", broken).isFalse();
                assertThat(o.error().orElseThrow()).isInstanceOf(ImplausibleEstimateException.class)
                        .hasMessageContaining("roi2");
            }
        }
    }

    @Test
    void everyMemberOutOfRangeFailsWithTheFirstMembersError() {
        try (EnsembleEstimator e = EnsembleEstimator.builder().optName("e")
                .addMember(new Fixed("whole", RoiScheme.WHOLE, -2), 1)
                .addMember(new Fixed("roi2", RoiScheme.ROI2, -5), 1).build()) {
            EstimationOutcome o = e.estimateBatch(List.of(withPoints("x"))).get(0);
            assertThat(o.isSuccess()).isFalse();
            assertThat(o.error().orElseThrow()).isInstanceOf(ImplausibleEstimateException.class)
                    .hasMessageContaining("model whole returned -2.0");
        }
    }

    @Test
    void inRangeReadingsAreTheWeightedMeanUnderTheEnsemblesOwnName() {
        try (EnsembleEstimator e = ensemble(12.0)) {
            BoneAgeEstimate estimate = e.estimate(withPoints("x"));
            assertThat(estimate.months()).isCloseTo(0.35 * 11.0 + 0.25 * 13.5 + 0.40 * 12.0, within(1e-9));
            assertThat(estimate.model().name()).isEqualTo("e");
        }
    }

    @Test
    void aCorrectionAppliesToItsOwnSexOnlyAndNeverToAnUnknownSex() {
        LinearCorrection boys = new LinearCorrection(-1.5, 1.02);
        LinearCorrection girls = new LinearCorrection(2.0, 0.99);
        double mean = 0.35 * 11.0 + 0.25 * 13.5 + 0.40 * 12.0;
        try (EnsembleEstimator e = EnsembleEstimator.builder().optName("e")
                .addMember(new Fixed("whole", RoiScheme.WHOLE, 11.0), 0.35)
                .addMember(new Fixed("roi1", RoiScheme.ROI1, 13.5), 0.25)
                .addMember(new Fixed("roi2", RoiScheme.ROI2, 12.0), 0.40)
                .optCorrection(Sex.MALE, boys).optCorrection(Sex.FEMALE, girls).build()) {
            assertThat(e.corrections()).containsEntry(Sex.MALE, boys).containsEntry(Sex.FEMALE, girls).hasSize(2);
            List<EstimationOutcome> out = e.estimateBatch(List.of(withPoints("boy", Sex.MALE), withPoints("girl", Sex.FEMALE),
                    withPoints("unknown", Sex.UNKNOWN)));
            assertThat(out.get(0).estimate().orElseThrow().months()).isCloseTo(-1.5 + 1.02 * mean, within(1e-9));
            assertThat(out.get(1).estimate().orElseThrow().months()).isCloseTo(2.0 + 0.99 * mean, within(1e-9));
            assertThat(out.get(2).estimate().orElseThrow().months()).isCloseTo(mean, within(1e-9));
            // Without points the whole-image member alone is corrected the same way.
            EstimationRequest noPoints = EstimationRequest.builder().setImage(new GreyImage8(TestHands.WIDTH, TestHands.HEIGHT))
                    .optSourceId("boy without points").optSex(Sex.MALE).build();
            assertThat(e.estimate(noPoints).months()).isCloseTo(-1.5 + 1.02 * 11.0, within(1e-9));
            assertThat(e.toString()).contains("corrected {MALE=-1.50 months + 1.0200 x estimate, FEMALE=+2.00 months");
        }
    }

    @Test
    void otherWeightsOrAnotherCorrectionMakeAnotherDigest() {
        List<ModelInfo> members = List.of(new Fixed("a", RoiScheme.WHOLE, 10).model(), new Fixed("b", RoiScheme.ROI1, 10).model());
        String plain = EnsembleEstimator.digestOf(members, List.of(0.5, 0.5), java.util.Map.of());
        assertThat(plain).isEqualTo("a-digest,b-digest;weights 0.5,0.5");
        assertThat(EnsembleEstimator.digestOf(members, List.of(0.4, 0.6), java.util.Map.of())).isNotEqualTo(plain);
        assertThat(EnsembleEstimator.digestOf(members, List.of(0.5, 0.5), java.util.Map.of(Sex.MALE,
                new LinearCorrection(-1, 1.01)))).isEqualTo(plain + ";correction male -1.0 1.01");
        try (EnsembleEstimator e = ensemble(12.0)) {
            assertThat(e.model().digest()).endsWith(";weights 0.35,0.25,0.4");
        }
    }

    @Test
    void aCorrectionIsForAKnownSex() {
        EnsembleEstimator.Builder b = EnsembleEstimator.builder();
        assertThatThrownBy(() -> b.optCorrection(Sex.UNKNOWN, new LinearCorrection(0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("male or female");
    }

    private static EstimationRequest withPoints(String id, Sex sex) {
        return EstimationRequest.builder().setImage(new GreyImage8(TestHands.WIDTH, TestHands.HEIGHT)).optSourceId(id)
                .optLandmarks(TestHands.upright()).optSex(sex).build();
    }
}
