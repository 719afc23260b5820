package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same bundles on GPU 0 and on the CPU. Needs a CUDA GPU and the GPU runtimes of docs/gpu.md:
 * {@code mvn -pl boneage-djl -am test -Pgpu -Dtest=GpuTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("gpu")
class GpuTest {

    @TempDir
    static Path work;

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void gpuEstimatesEqualCpuEstimates(String extension) {
        Path bundle = Fixtures.write(Fixtures.perSex(work, extension, true)
                .setPreprocessing(DjlBoneAgeEstimatorOnnxTest.paperSpec()), work, "gpu-" + extension);
        List<EstimationRequest> requests = DjlBoneAgeEstimatorOnnxTest.requests();
        try (DjlBoneAgeEstimator gpu = DjlBoneAgeEstimator.builder().setBundle(bundle).optDevice(Device.gpu(0)).build();
                DjlBoneAgeEstimator cpu = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            assertThat(gpu.device()).isEqualTo(Device.gpu(0));
            List<EstimationOutcome> outcomes = gpu.estimateBatch(requests);
            for (int i = 0; i < requests.size(); i++) {
                BoneAgeEstimate onGpu = outcomes.get(i).estimate().orElseThrow();
                assertThat(onGpu.months()).isCloseTo(cpu.estimate(requests.get(i)).months(), within(1e-3));
                assertThat(gpu.estimate(requests.get(i)).months()).isCloseTo(onGpu.months(), within(1e-4));
            }
        }
    }
}
