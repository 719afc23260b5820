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
 * What an ONNX-only consumer of boneage-djl gets, the engines being optional dependencies: ONNX bundles run, and a
 * PyTorch bundle (such as the default model) fails with a message naming the dependencies to add. Runs in its own JVM
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
    void aPyTorchBundleNamesTheDependenciesToAdd() {
        Path defaultModel = Path.of("..", "models", "default");
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
