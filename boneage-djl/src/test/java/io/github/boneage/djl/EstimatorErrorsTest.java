package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.djl.manifest.BlockSpec;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.djl.manifest.SexHandling;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Failures once an engine is involved: every one is a {@link ModelBundleException} naming the bundle (with the
 * engine's exception as the cause) or, for devices, a {@link DeviceUnavailableException}; requests the bundle cannot
 * serve fail alone.
 */
class EstimatorErrorsTest {

    @TempDir
    static Path work;

    private static PreprocessSpec spec(int size, int channels) {
        double[] zeros = new double[channels];
        double[] ones = new double[channels];
        Arrays.fill(ones, 1);
        return new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.none(), size, channels, zeros, ones);
    }

    @ParameterizedTest(name = "{0}.{1} at {2} px, {3} channels")
    @CsvSource({"resnet_tiny,onnx,48,3", "alexnet_tiny,pt,48,3", "resnet_tiny,onnx,32,1", "resnet_tiny,pt,32,1"})
    void wrongInputShapeIsABundleError(String architecture, String extension, int size, int channels) {
        Path bundle = Fixtures.write(Fixtures.agnostic(work, architecture, extension).setPreprocessing(spec(size, channels)),
                work, "input-" + architecture + extension + size + "x" + channels);
        assertThatThrownBy(() -> DjlBoneAgeEstimator.builder().setBundle(bundle).build())
                .isInstanceOf(ModelBundleException.class)
                .hasMessageContaining(bundle.toString())
                .hasMessageContaining("rejects input [1, " + channels + ", " + size + ", " + size + "]")
                .hasCauseInstanceOf(Exception.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void twoOutputsForARegressionIsABundleError(String extension) {
        Path bundle = Fixtures.write(ModelBundleWriter.builder().setName("two").setArchitecture("twohead_tiny")
                .setFormat(Fixtures.format(extension)).setPreprocessing(Fixtures.spec())
                .addWeights(NetworkRole.AGNOSTIC, Fixtures.file(work.resolve("src"), "twohead_tiny." + extension)), work,
                "twohead-" + extension);
        assertThatThrownBy(() -> DjlBoneAgeEstimator.builder().setBundle(bundle).build())
                .isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("returns shape [1, 2]")
                .hasMessageContaining("needs [1] or [1, 1] (one value per image)");
    }

    @Test
    void ageBinCountMustMatchTheOutput() {
        Path bundle = Fixtures.write(Fixtures.agnostic(work, "twohead_tiny", "onnx").setName("bins3")
                .optOutput(OutputSpec.ageBins(new double[] {1, 2, 3}, OutputSpec.Activation.NONE)), work, "bins3");
        assertThatThrownBy(() -> DjlBoneAgeEstimator.builder().setBundle(bundle).build())
                .isInstanceOf(ModelBundleException.class).hasMessageContaining("needs [1, 3] (one score per age bin)");
    }

    @Test
    void engineMissingFromTheClasspathIsABundleError() {
        Path params = work.resolve("src-missing/tiny-0000.params");
        Path bundle = Fixtures.write(ModelBundleWriter.builder().setName("mx").setArchitecture("tiny")
                .setFormat(ModelFormat.DJL_PARAMS).optEngine("MXNet").setPreprocessing(Fixtures.spec())
                .addWeights(NetworkRole.AGNOSTIC, write(params)).optBlock(new BlockSpec("tiny", null)), work, "mxnet");
        assertThatThrownBy(() -> DjlBoneAgeEstimator.builder().setBundle(bundle).build())
                .isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("engine MXNet is not on the classpath");
    }

    private static Path write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, new byte[] {1, 2, 3});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void corruptWeightsAreABundleErrorWithTheEngineMessageAsCause() {
        Path bad = write(work.resolve("src-corrupt/garbage.onnx"));
        Path bundle = Fixtures.write(ModelBundleWriter.builder().setName("garbage").setArchitecture("none")
                .setFormat(ModelFormat.ONNX).setPreprocessing(Fixtures.spec()).addWeights(NetworkRole.AGNOSTIC, bad), work,
                "garbage");
        assertThatThrownBy(() -> DjlBoneAgeEstimator.builder().setBundle(bundle).build())
                .isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("network agnostic (garbage.onnx) cannot be loaded by OnnxRuntime")
                .hasCauseInstanceOf(Exception.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void absentGpuIsATypedErrorByDefault(String extension) {
        Path bundle = Fixtures.write(Fixtures.agnostic(work, "resnet_tiny", extension), work, "gpu-" + extension);
        assertThatThrownBy(() -> DjlBoneAgeEstimator.builder().setBundle(bundle).optDevice(Device.gpu(0)).build())
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("gpu(0) was asked for but")
                .hasMessageContaining("optCpuFallback");
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void absentGpuFallsBackToCpuWhenAllowed(String extension) {
        Path bundle = Fixtures.write(Fixtures.agnostic(work, "resnet_tiny", extension), work, "fallback-" + extension);
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).optDevice(Device.gpu(0))
                .optCpuFallback(true).build()) {
            assertThat(estimator.device()).isEqualTo(Device.cpu());
        }
    }

    private static EstimationRequest request(String id, Sex sex) {
        return EstimationRequest.builder().setImage(new GreyImage8(32, 32)).optSourceId(id).optSex(sex).build();
    }

    @Test
    void unknownSexWithoutFallbackNetworkFailsAlone() {
        Path bundle = Fixtures.write(Fixtures.perSex(work, "onnx", false), work, "persex-nofallback");
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            assertThatThrownBy(() -> estimator.estimate(request("patient-7", Sex.UNKNOWN)))
                    .isInstanceOf(BoneAgeException.class)
                    .hasMessageContaining("patient-7: sex is unknown")
                    .hasMessageContaining("no sex-agnostic fallback");
        }
    }

    @Test
    void unknownSexWithoutEncodingFailsAlone() {
        Path bundle = Fixtures.write(Fixtures.sexInput(work, "onnx")
                .optSexHandling(SexHandling.sexInput(new SexHandling.SexInput("sex", 1, 0, null))), work, "sexinput-nounknown");
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            List<EstimationOutcome> outcomes = estimator.estimateBatch(List.of(request("p1", Sex.UNKNOWN)));
            assertThat(outcomes.get(0).error()).hasValueSatisfying(e -> assertThat(e)
                    .hasMessageContaining("p1: sex is unknown").hasMessageContaining("no value for unknown"));
        }
    }

    @Test
    void closedEstimatorRefusesWork() {
        Path bundle = Fixtures.write(Fixtures.agnostic(work, "googlenet_tiny", "onnx"), work, "closed");
        DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build();
        estimator.close();
        estimator.close();
        assertThatThrownBy(() -> estimator.estimateBatch(List.of(request("late", Sex.MALE))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
