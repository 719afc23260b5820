package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.MissingLandmarksException;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.preprocess.PreparedImage;
import io.github.boneage.preprocess.Preprocessor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Radiograph to months: preprocessing as the manifest says, sex routing, the ROI reported, per-item failures. */
class EndToEndTest {

    @TempDir
    static Path work;

    private static DjlBoneAgeEstimator open(ModelBundleWriter.Builder builder, String name) {
        Path folder = Fixtures.write(builder.setPreprocessing(DjlBoneAgeEstimatorOnnxTest.paperSpec()), work, name);
        return DjlBoneAgeEstimator.builder().setBundle(folder).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void estimateIsTheTensorPathOnThePreprocessedImage(String extension) {
        try (DjlBoneAgeEstimator estimator = open(Fixtures.agnostic(work, "resnet_tiny", extension), "e2e-" + extension)) {
            EstimationRequest request = SyntheticRadiographs.request(3, Sex.FEMALE);
            Preprocessor preprocessor = new Preprocessor(DjlBoneAgeEstimatorOnnxTest.paperSpec());
            PreparedImage prepared = preprocessor.prepare(request.image(), request.landmarks().orElseThrow());
            double direct = estimator.estimateMonths(NetworkRole.AGNOSTIC, preprocessor.toTensor(prepared),
                    new Sex[] {Sex.FEMALE}, 1)[0];
            BoneAgeEstimate e = estimator.estimate(request);
            assertThat(e.months()).isEqualTo(direct);
            assertThat(e.roi()).isEqualTo(prepared.roi());
            assertThat(e.roiScheme()).isEqualTo(RoiScheme.ROI1);
            assertThat(e.sexUsed()).as("an agnostic model ignores sex").isEqualTo(Sex.UNKNOWN);
            assertThat(e.model()).isEqualTo(estimator.model());
        }
    }

    @Test
    void sameBundleGivesTheSameEstimateOnBothEngines() {
        try (DjlBoneAgeEstimator ort = open(Fixtures.agnostic(work, "googlenet_tiny", "onnx"), "engines-onnx");
                DjlBoneAgeEstimator torch = open(Fixtures.agnostic(work, "googlenet_tiny", "pt"), "engines-pt")) {
            for (EstimationRequest r : DjlBoneAgeEstimatorOnnxTest.requests()) {
                assertThat(ort.estimate(r).months()).isCloseTo(torch.estimate(r).months(), within(1e-3));
            }
        }
    }

    @Test
    void perSexBundleRoutesBySexAndFallsBackForUnknown() {
        try (DjlBoneAgeEstimator estimator = open(Fixtures.perSex(work, "onnx", true), "route")) {
            BoneAgeEstimate male = estimator.estimate(SyntheticRadiographs.request(5, Sex.MALE));
            BoneAgeEstimate female = estimator.estimate(SyntheticRadiographs.request(5, Sex.FEMALE));
            BoneAgeEstimate unknown = estimator.estimate(SyntheticRadiographs.request(5, Sex.UNKNOWN));
            assertThat(male.sexUsed()).isEqualTo(Sex.MALE);
            assertThat(male.model().name()).endsWith("(male network)");
            assertThat(female.model().name()).endsWith("(female network)");
            assertThat(unknown.sexUsed()).isEqualTo(Sex.UNKNOWN);
            assertThat(unknown.model().name()).endsWith("(agnostic network)");
            assertThat(List.of(male.months(), female.months(), unknown.months())).doesNotHaveDuplicates();
            assertThat(male.model().digest()).isEqualTo(estimator.bundle().manifest().weightsFor(NetworkRole.MALE).sha256());
        }
    }

    @Test
    void mixedSexBatchMatchesSingleEstimates() {
        try (DjlBoneAgeEstimator estimator = open(Fixtures.perSex(work, "pt", true), "mixed")) {
            List<EstimationRequest> requests = DjlBoneAgeEstimatorOnnxTest.requests();
            List<EstimationOutcome> outcomes = estimator.estimateBatch(requests);
            for (int i = 0; i < requests.size(); i++) {
                BoneAgeEstimate single = estimator.estimate(requests.get(i));
                BoneAgeEstimate batched = outcomes.get(i).estimate().orElseThrow();
                assertThat(batched.months()).isCloseTo(single.months(), within(1e-4));
                assertThat(batched.model()).isEqualTo(single.model());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void sexInputReportsTheSexItWasGiven(String extension) {
        try (DjlBoneAgeEstimator estimator = open(Fixtures.sexInput(work, extension)
                .optOutput(Fixtures.plausibleSexInputHead()), "sexinput-" + extension)) {
            BoneAgeEstimate male = estimator.estimate(SyntheticRadiographs.request(2, Sex.MALE));
            BoneAgeEstimate female = estimator.estimate(SyntheticRadiographs.request(2, Sex.FEMALE));
            assertThat(male.sexUsed()).isEqualTo(Sex.MALE);
            assertThat(female.sexUsed()).isEqualTo(Sex.FEMALE);
            assertThat(male.months()).isNotCloseTo(female.months(), within(0.01));
        }
    }

    @Test
    void twelveBitImagesAreEstimated() {
        try (DjlBoneAgeEstimator estimator = open(Fixtures.agnostic(work, "alexnet_tiny", "onnx"), "twelve-bit")) {
            EstimationRequest request = EstimationRequest.builder().setImage(SyntheticRadiographs.image12(4))
                    .optLandmarks(SyntheticRadiographs.landmarks(4)).optSourceId("dicom-4").build();
            assertThat(estimator.estimate(request).months()).isFinite();
        }
    }

    @Test
    void badItemsFailAloneWithTheirReasons() {
        Map<ReferencePoint, Point> outside = SyntheticRadiographs.landmarks(6).points();
        outside.put(ReferencePoint.ULNA, new Point(500, 64));
        EstimationRequest landmarkOutside = EstimationRequest.builder().setImage(SyntheticRadiographs.image(6))
                .optLandmarks(HandLandmarks.of(outside)).optSourceId("outside.png").build();
        List<EstimationRequest> batch = new ArrayList<>(DjlBoneAgeEstimatorOnnxTest.requests());
        batch.add(1, DjlBoneAgeEstimatorOnnxTest.withoutLandmarks());
        batch.add(3, landmarkOutside);
        try (DjlBoneAgeEstimator estimator = open(Fixtures.perSex(work, "onnx", true), "bad-items")) {
            List<EstimationOutcome> outcomes = estimator.estimateBatch(batch);
            assertThat(outcomes).extracting(EstimationOutcome::isSuccess)
                    .containsExactly(true, false, true, false, true, true, true);
            assertThat(outcomes.get(1).error().orElseThrow()).isInstanceOf(MissingLandmarksException.class)
                    .hasMessageStartingWith("no-landmarks.png: ");
            assertThat(outcomes.get(3).error().orElseThrow()).hasMessageStartingWith("outside.png: ")
                    .hasMessageContaining("ulna");
            assertThatThrownBy(() -> estimator.estimate(landmarkOutside)).hasMessageStartingWith("outside.png: ");
        }
    }
}
