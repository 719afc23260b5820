package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.QualityGateException;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimator with a {@link LandmarkDetector}: detected points feed ROI models, and the quality gate rejects the
 * images it does not pass, one by one, while the others of the batch are still estimated.
 */
class LandmarkDetectorIntegrationTest {

    @TempDir
    static Path work;

    /** Passes images whose id does not contain "reject", with the synthetic landmarks of seed 7. */
    private static final class ScriptedDetector implements LandmarkDetector {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public LandmarkDetection detect(GreyImage image, String sourceId) {
            calls.incrementAndGet();
            if (sourceId.contains("reject")) {
                return new LandmarkDetection(QualityVerdict.NOT_A_HAND, "shape is not a hand", Optional.empty(), Map.of(), 0.1, false);
            }
            HandLandmarks points = SyntheticRadiographs.landmarks(7);
            Map<ReferencePoint, Double> confidence = new EnumMap<>(ReferencePoint.class);
            for (ReferencePoint p : ReferencePoint.values()) {
                confidence.put(p, 0.9);
            }
            return new LandmarkDetection(QualityVerdict.OK, "one hand", Optional.of(points), confidence, 0.9, false);
        }
    }

    private static Path bundle(RoiScheme roi, String name) {
        PreprocessSpec spec = new PreprocessSpec(roi, EqualizerSpec.none(), 32, 3, new double[] {0, 0, 0}, new double[] {1, 1, 1});
        return Fixtures.write(Fixtures.agnostic(work, "resnet_tiny", "onnx").setPreprocessing(spec), work, name);
    }

    private static EstimationRequest bare(long seed, String id) {
        return EstimationRequest.builder().setImage(SyntheticRadiographs.image(seed)).optSex(Sex.FEMALE).optSourceId(id).build();
    }

    @Test
    void roiModelTakesTheDetectedPointsAndTheGateRejectsOneImageOfTheBatch() {
        ScriptedDetector detector = new ScriptedDetector();
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle(RoiScheme.ROI1, "roi1"))
                .optLandmarkDetector(detector).build()) {
            List<EstimationOutcome> outcomes = estimator.estimateBatch(List.of(bare(1, "a"), bare(2, "reject-me"), bare(3, "c")));
            assertThat(outcomes.get(0).estimate()).isPresent();
            assertThat(outcomes.get(2).estimate()).isPresent();
            assertThat(outcomes.get(0).estimate().orElseThrow().landmarks()).contains(SyntheticRadiographs.landmarks(7));
            assertThat(outcomes.get(0).estimate().orElseThrow().detection().orElseThrow().verdict()).isEqualTo(QualityVerdict.OK);
            assertThat(outcomes.get(0).estimate().orElseThrow().roi())
                    .isEqualTo(RoiScheme.ROI1.region(SyntheticRadiographs.WIDTH, SyntheticRadiographs.HEIGHT, SyntheticRadiographs.landmarks(7)));
            assertThat(outcomes.get(1).error().orElseThrow())
                    .isInstanceOf(QualityGateException.class)
                    .hasMessageContaining("reject-me")
                    .hasMessageContaining("NOT_A_HAND")
                    .hasMessageContaining("shape is not a hand");
            assertThat(((QualityGateException) outcomes.get(1).error().orElseThrow()).verdict()).isEqualTo(QualityVerdict.NOT_A_HAND);
        }
        assertThat(detector.calls).hasValue(3);
    }

    @Test
    void theGateAlsoGuardsWholeImageModelsUnlessTurnedOff() {
        Path whole = bundle(RoiScheme.WHOLE, "whole");
        try (DjlBoneAgeEstimator gated = DjlBoneAgeEstimator.builder().setBundle(whole).optLandmarkDetector(new ScriptedDetector()).build()) {
            assertThat(gated.estimateBatch(List.of(bare(4, "reject-whole"))).get(0).error())
                    .containsInstanceOf(QualityGateException.class);
        }
        ScriptedDetector detector = new ScriptedDetector();
        try (DjlBoneAgeEstimator ungated = DjlBoneAgeEstimator.builder().setBundle(whole).optLandmarkDetector(detector)
                .optQualityGate(false).build()) {
            EstimationOutcome outcome = ungated.estimateBatch(List.of(bare(4, "reject-whole"))).get(0);
            assertThat(outcome.estimate()).isPresent();
            assertThat(outcome.estimate().orElseThrow().detection()).isPresent();
        }
    }

    @Test
    void callerLandmarksWinOverDetectedOnes() {
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle(RoiScheme.ROI1, "roi1-own"))
                .optLandmarkDetector(new ScriptedDetector()).build()) {
            EstimationRequest own = SyntheticRadiographs.request(5, Sex.MALE);
            assertThat(estimator.estimate(own).landmarks()).contains(SyntheticRadiographs.landmarks(5));
        }
    }
}
