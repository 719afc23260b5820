package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.Sex;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixture networks on both engines through the estimator's tensor path (ready tensors, no preprocessing):
 * agreement with PyTorch's own outputs and between engines, batch versus single, determinism, every sex handling, the
 * age-bin head, and concurrent use.
 */
class TensorPathTest {

    /** Engines may sum in another order; 1e-3 months is the project's bound for "the same estimate". */
    private static final double SAME_ESTIMATE = 1e-3;

    @TempDir
    static Path work;

    private static double[] run(DjlBoneAgeEstimator estimator, NetworkRole role, float[] images, Sex... sexes) {
        return estimator.estimateMonths(role, images, sexes, sexes.length);
    }

    private static Sex[] unknown(int n) {
        Sex[] s = new Sex[n];
        Arrays.fill(s, Sex.UNKNOWN);
        return s;
    }

    private static double months(float y) {
        return Fixtures.SCALE * y + Fixtures.OFFSET;
    }

    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource({"googlenet_tiny,onnx", "googlenet_tiny,pt", "resnet_tiny,onnx", "resnet_tiny,pt", "alexnet_tiny,onnx",
        "alexnet_tiny,pt"})
    void matchesPyTorchReference(String architecture, String extension) {
        Path bundle = Fixtures.write(Fixtures.agnostic(work, architecture, extension), work, "ref-" + architecture + "-" + extension);
        int n = Fixtures.referenceCount();
        float[][] expected = Fixtures.expectedOutputs(architecture);
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            double[] months = run(estimator, NetworkRole.AGNOSTIC, Fixtures.referenceBatch(), unknown(n));
            for (int i = 0; i < n; i++) {
                assertThat(months[i]).isCloseTo(months(expected[i][0]), within(SAME_ESTIMATE));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"googlenet_tiny", "resnet_tiny", "alexnet_tiny"})
    void sameWeightsGiveSameEstimateOnBothEngines(String architecture) {
        Path onnx = Fixtures.write(Fixtures.agnostic(work, architecture, "onnx"), work, "both-" + architecture + "-onnx");
        Path pt = Fixtures.write(Fixtures.agnostic(work, architecture, "pt"), work, "both-" + architecture + "-pt");
        int n = Fixtures.referenceCount();
        try (DjlBoneAgeEstimator ort = DjlBoneAgeEstimator.builder().setBundle(onnx).build();
                DjlBoneAgeEstimator torch = DjlBoneAgeEstimator.builder().setBundle(pt).build()) {
            assertThat(ort.bundle().manifest().engine()).isEqualTo("OnnxRuntime");
            assertThat(torch.bundle().manifest().engine()).isEqualTo("PyTorch");
            double[] a = run(ort, NetworkRole.AGNOSTIC, Fixtures.referenceBatch(), unknown(n));
            double[] b = run(torch, NetworkRole.AGNOSTIC, Fixtures.referenceBatch(), unknown(n));
            for (int i = 0; i < n; i++) {
                assertThat(a[i]).isCloseTo(b[i], within(SAME_ESTIMATE));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void batchEqualsSingleAndIsDeterministic(String extension) {
        Path bundle = Fixtures.write(Fixtures.agnostic(work, "resnet_tiny", extension), work, "batch-" + extension);
        int n = Fixtures.referenceCount();
        float[] batch = Fixtures.referenceBatch();
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            double[] stacked = run(estimator, NetworkRole.AGNOSTIC, batch, unknown(n));
            assertThat(run(estimator, NetworkRole.AGNOSTIC, batch, unknown(n))).containsExactly(stacked);
            for (int i = 0; i < n; i++) {
                double single = run(estimator, NetworkRole.AGNOSTIC, Fixtures.image(batch, i), Sex.UNKNOWN)[0];
                assertThat(single).isCloseTo(stacked[i], within(1e-4));
                assertThat(run(estimator, NetworkRole.AGNOSTIC, Fixtures.image(batch, i), Sex.UNKNOWN)[0]).isEqualTo(single);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void sexInputFeedsTheEncodedSex(String extension) {
        Path bundle = Fixtures.write(Fixtures.sexInput(work, extension), work, "sexinput-" + extension);
        float[][] expected = Fixtures.expectedOutputs("sexinput_tiny");
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            // The reference batch was run with sex 1 (male), 0 (female), 0.5 (unknown).
            double[] months = run(estimator, NetworkRole.AGNOSTIC, Fixtures.referenceBatch(), Sex.MALE, Sex.FEMALE, Sex.UNKNOWN);
            for (int i = 0; i < 3; i++) {
                assertThat(months[i]).isCloseTo(months(expected[i][0]), within(SAME_ESTIMATE));
            }
            float[] first = Fixtures.image(Fixtures.referenceBatch(), 0);
            assertThat(run(estimator, NetworkRole.AGNOSTIC, first, Sex.MALE)[0])
                    .isNotCloseTo(run(estimator, NetworkRole.AGNOSTIC, first, Sex.FEMALE)[0], within(0.01));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void perSexBundleHasOneNetworkPerSex(String extension) {
        Path bundle = Fixtures.write(Fixtures.perSex(work, extension, true), work, "persex-" + extension);
        float[] batch = Fixtures.referenceBatch();
        int n = Fixtures.referenceCount();
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            double[] male = run(estimator, NetworkRole.MALE, batch, unknown(n));
            double[] female = run(estimator, NetworkRole.FEMALE, batch, unknown(n));
            double[] agnostic = run(estimator, NetworkRole.AGNOSTIC, batch, unknown(n));
            for (int i = 0; i < n; i++) {
                assertThat(male[i]).isCloseTo(months(Fixtures.expectedOutputs("resnet_tiny")[i][0]), within(SAME_ESTIMATE));
                assertThat(female[i]).isCloseTo(months(Fixtures.expectedOutputs("alexnet_tiny")[i][0]), within(SAME_ESTIMATE));
                assertThat(agnostic[i]).isCloseTo(months(Fixtures.expectedOutputs("googlenet_tiny")[i][0]), within(SAME_ESTIMATE));
            }
            ModelBundle b = estimator.bundle();
            assertThat(b.modelInfo(NetworkRole.MALE).digest()).isEqualTo(b.manifest().weightsFor(NetworkRole.MALE).sha256());
            assertThat(b.modelInfo(NetworkRole.FEMALE).name()).isEqualTo("per-sex-" + extension + " (female network)");
            assertThat(estimator.model().digest()).isNotIn(b.manifest().weights().stream().map(w -> w.sha256()).toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void ageBinHeadIsDecodedAsExpectation(String extension) {
        double[] centres = {60, 180};
        Path bundle = Fixtures.write(ModelBundleWriter.builder()
                .setName("bins-" + extension)
                .setArchitecture("twohead_tiny")
                .setFormat(extension.equals("onnx") ? ModelFormat.ONNX : ModelFormat.TORCHSCRIPT)
                .setPreprocessing(Fixtures.spec())
                .addWeights(NetworkRole.AGNOSTIC, Fixtures.file(work.resolve("src"), "twohead_tiny." + extension))
                .optOutput(OutputSpec.ageBins(centres, OutputSpec.Activation.SOFTMAX)), work, "bins-" + extension);
        float[][] scores = Fixtures.expectedOutputs("twohead_tiny");
        int n = Fixtures.referenceCount();
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            double[] months = run(estimator, NetworkRole.AGNOSTIC, Fixtures.referenceBatch(), unknown(n));
            for (int i = 0; i < n; i++) {
                double e0 = Math.exp(scores[i][0]);
                double e1 = Math.exp(scores[i][1]);
                assertThat(months[i]).isCloseTo((e0 * centres[0] + e1 * centres[1]) / (e0 + e1), within(SAME_ESTIMATE));
            }
        }
    }

    @Test
    void batchesLargerThanTheModelTakesAreSliced() {
        Path bundle = Fixtures.write(Fixtures.agnostic(work, "googlenet_tiny", "onnx"), work, "slices");
        float[] batch = Fixtures.referenceBatch();
        int n = Fixtures.referenceCount();
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).optBatchSize(1).build()) {
            assertThat(estimator.batchSize()).isEqualTo(1);
            double[] months = run(estimator, NetworkRole.AGNOSTIC, batch, unknown(n));
            assertThat(months[2]).isCloseTo(months(Fixtures.expectedOutputs("googlenet_tiny")[2][0]), within(SAME_ESTIMATE));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void eightThreadsEqualSerialResults(String extension) throws Exception {
        Path bundle = Fixtures.write(Fixtures.agnostic(work, "alexnet_tiny", extension), work, "threads-" + extension);
        float[] batch = Fixtures.referenceBatch();
        int n = Fixtures.referenceCount();
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).optPoolSize(3).build()) {
            double[] serial = new double[n];
            for (int i = 0; i < n; i++) {
                serial[i] = run(estimator, NetworkRole.AGNOSTIC, Fixtures.image(batch, i), Sex.UNKNOWN)[0];
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int offset = t;
                    futures.add(pool.submit(() -> {
                        int mismatches = 0;
                        for (int i = 0; i < 100; i++) {
                            int k = (offset + i) % n;
                            if (run(estimator, NetworkRole.AGNOSTIC, Fixtures.image(batch, k), Sex.UNKNOWN)[0] != serial[k]) {
                                mismatches++;
                            }
                        }
                        return mismatches;
                    }));
                }
                for (Future<Integer> f : futures) {
                    assertThat(f.get(2, TimeUnit.MINUTES)).isZero();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
