package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.Sex;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an ONNX-only consumer of boneage-djl gets, the engines being optional dependencies: ONNX bundles run (the shipped
 * default model and landmark detector among them), and a PyTorch bundle (such as the default model's training weights,
 * models/default-pytorch) fails with a message naming the dependencies to add. Runs in its own JVM
 * (surefire execution {@code without-pytorch}), whose class path leaves out every {@code ai.djl.pytorch} artifact.
 */
@EnabledIfSystemProperty(named = "boneage.withoutPyTorch.fork", matches = "true")
class WithoutPyTorchTest {

    @TempDir
    Path work;

    @Test
    void pyTorchIsReallyAbsent() {
        assertThat(Engine.hasEngine("PyTorch")).isFalse();
        assertThat(Engine.hasEngine("OnnxRuntime")).isTrue();
    }

    @Test
    void onnxBundlesRun() {
        Path bundle = Fixtures.write(Fixtures.perSex(work, "onnx", true)
                .setPreprocessing(DjlBoneAgeEstimatorOnnxTest.paperSpec()), work, "onnx");
        try (BoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).optPoolSize(1).build()) {
            BoneAgeEstimate e = estimator.estimate(SyntheticRadiographs.request(1, Sex.FEMALE));
            assertThat(e.months()).isFinite();
        }
    }

    @Test
    void theShippedDefaultModelAndLandmarkDetectorRunWithoutPyTorch() {
        try (BoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(Path.of("..", "models", "default")).build();
                io.github.boneage.djl.landmarks.LearnedLandmarkDetector detector = io.github.boneage.djl.landmarks
                        .LearnedLandmarkDetector.builder().setBundle(Path.of("..", "models", "landmarks")).build()) {
            assertThat(estimator.estimate(SyntheticRadiographs.request(1, Sex.FEMALE)).months()).isBetween(0.0, 240.0);
            assertThat(detector.detect(SyntheticRadiographs.image(1), "synthetic")).isNotNull();
        }
    }

    @Test
    void aPyTorchBundleNamesTheDependenciesToAdd() {
        Path defaultModel = Path.of("..", "models", "default-pytorch");
        assertThat(defaultModel.resolve("boneage-model.json")).satisfies(p -> assertThat(Files.isRegularFile(p)).isTrue());
        assertThatThrownBy(() -> DjlBoneAgeEstimator.builder().setBundle(defaultModel).build())
                .isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("engine PyTorch is not on the classpath")
                .hasMessageContaining("ai.djl.pytorch:pytorch-engine")
                .hasMessageContaining("ai.djl.pytorch:pytorch-jni")
                .hasMessageContaining("ai.djl.pytorch:pytorch-native-cpu with <classifier>")
                .hasMessageContaining("io.github.boneage:boneage-bom");
    }
}
