package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.translate.NoopTranslator;
import io.github.boneage.core.Sex;
import io.github.boneage.djl.impl.BundleFiles;
import io.github.boneage.djl.manifest.BlockSpec;
import io.github.boneage.djl.manifest.ManifestJson;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.djl.manifest.SexHandling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Only the exact, checked bytes the manifest names ever reach an engine. Each test puts a decoy beside the named
 * weights: a different network (alexnet_tiny instead of resnet_tiny, or other parameters) under the names DJL's path
 * loaders search ({@code agnostic}, {@code agnostic.pt}, {@code model.pt}, a later {@code -0001.params}), and checks
 * the outputs are the named network's, which differ from the decoy's on the reference batch.
 */
class BundleIntegrityTest {

    static {
        // Before this class's own PyTorch models run a convolution (OfflineMode: no downloads, oneDNN capped at AVX2).
        OfflineMode.enforce();
    }

    @TempDir
    static Path work;

    /** The reference image where resnet_tiny (0.962) and alexnet_tiny (0.406) differ most. */
    private static final int IMAGE = 2;

    private static double[] run(DjlBoneAgeEstimator estimator, NetworkRole role) {
        Sex[] sexes = {Sex.MALE, Sex.FEMALE, Sex.UNKNOWN};
        return estimator.estimateMonths(role, Fixtures.referenceBatch(), sexes, Fixtures.referenceCount());
    }

    private static double months(String architecture) {
        return Fixtures.SCALE * Fixtures.expectedOutputs(architecture)[IMAGE][0] + Fixtures.OFFSET;
    }

    @BeforeAll
    static void decoyDiffers() {
        assertThat(Math.abs(months("resnet_tiny") - months("alexnet_tiny"))).as("the decoy must be told apart")
                .isGreaterThan(5);
    }

    /** A bundle naming {@code agnostic.<ext>} (resnet_tiny), with alexnet_tiny beside it under every searched name. */
    private static Path bundleWithDecoys(String extension, String folder) throws IOException {
        Path src = Files.createDirectories(work.resolve(folder + "-src"));
        Path named = Files.copy(Fixtures.file(work.resolve("src"), "resnet_tiny." + extension), src.resolve("agnostic." + extension),
                StandardCopyOption.REPLACE_EXISTING);
        Path bundle = Fixtures.write(ModelBundleWriter.builder()
                .setName("decoy-" + extension).setArchitecture("resnet_tiny").setFormat(Fixtures.format(extension))
                .setPreprocessing(Fixtures.spec()).addWeights(NetworkRole.AGNOSTIC, named)
                .optOutput(OutputSpec.regression(Fixtures.SCALE, Fixtures.OFFSET)), work, folder);
        Path decoy = Fixtures.file(work.resolve("src"), "alexnet_tiny." + extension);
        for (String name : List.of("agnostic", "model." + extension, folder, folder + "." + extension)) {
            Files.copy(decoy, bundle.resolve(name));
        }
        return bundle;
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void decoyBesideTheNamedFileIsNeverRun(String extension) throws IOException {
        Path bundle = bundleWithDecoys(extension, "decoy-" + extension);
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            assertThat(run(estimator, NetworkRole.AGNOSTIC)[IMAGE]).isCloseTo(months("resnet_tiny"), within(1e-3));
            assertThat(estimator.model().digest()).isEqualTo(BundleFiles.sha256(bundle.resolve("agnostic." + extension)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void decoyInsideAZipIsNeverRun(String extension) throws IOException {
        Path bundle = bundleWithDecoys(extension, "zip-decoy-" + extension);
        Path zip = work.resolve("decoy-" + extension + ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : List.of(ManifestJson.FILE_NAME, "agnostic." + extension, "agnostic", "model." + extension)) {
                out.putNextEntry(new ZipEntry(name));
                Files.copy(bundle.resolve(name), out);
                out.closeEntry();
            }
        }
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(zip).build()) {
            assertThat(run(estimator, NetworkRole.AGNOSTIC)[IMAGE]).isCloseTo(months("resnet_tiny"), within(1e-3));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void perSexNetworksRunTheirNamedFilesOnly(String extension) throws IOException {
        Path src = Files.createDirectories(work.resolve("per-sex-src-" + extension));
        Path male = Files.copy(Fixtures.file(work.resolve("src"), "resnet_tiny." + extension), src.resolve("male." + extension));
        Path female = Files.copy(Fixtures.file(work.resolve("src"), "googlenet_tiny." + extension), src.resolve("female." + extension));
        Path bundle = Fixtures.write(ModelBundleWriter.builder()
                .setName("per-sex-decoy").setArchitecture("mixed-tiny").setFormat(Fixtures.format(extension))
                .setPreprocessing(Fixtures.spec()).addWeights(NetworkRole.MALE, male).addWeights(NetworkRole.FEMALE, female)
                .optSexHandling(SexHandling.perSex())
                .optOutput(OutputSpec.regression(Fixtures.SCALE, Fixtures.OFFSET)), work, "per-sex-decoy-" + extension);
        Path decoy = Fixtures.file(work.resolve("src"), "alexnet_tiny." + extension);
        for (String name : List.of("male", "female", "model." + extension)) {
            Files.copy(decoy, bundle.resolve(name));
        }
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            assertThat(run(estimator, NetworkRole.MALE)[IMAGE]).isCloseTo(months("resnet_tiny"), within(1e-3));
            assertThat(run(estimator, NetworkRole.FEMALE)[IMAGE]).isCloseTo(months("googlenet_tiny"), within(1e-3));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void fileSwappedAfterTheCheckIsRefusedNotRun(String extension) throws IOException {
        Path bundle = bundleWithDecoys(extension, "swap-" + extension);
        try (ModelBundle loaded = ModelBundle.load(bundle)) {
            // Checked at load; replaced before the estimator hands the weights to the engine (time of check vs use).
            Files.copy(bundle.resolve("agnostic"), bundle.resolve("agnostic." + extension), StandardCopyOption.REPLACE_EXISTING);
            assertThatThrownBy(() -> DjlBoneAgeEstimator.builder().setBundle(loaded).build())
                    .isInstanceOf(ModelBundleException.class)
                    .hasMessageContaining("agnostic." + extension + " has SHA-256")
                    .hasMessageContaining("but the manifest says");
        }
    }

    /** Saves a freshly initialized tiny CNN's parameters and returns its outputs on the reference batch. */
    private static float[] saveTinyCnn(Path dir, String prefix, int epoch) throws Exception {
        try (Model model = Model.newInstance("tiny", "PyTorch")) {
            Block block = TinyCnnFactory.build(8, 1);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, Fixtures.SIZE, Fixtures.SIZE));
            float[] out;
            try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
                    NDManager manager = model.getNDManager().newSubManager()) {
                out = predictor.predict(new NDList(manager.create(Fixtures.referenceBatch(),
                        new Shape(Fixtures.referenceCount(), 3, Fixtures.SIZE, Fixtures.SIZE)))).singletonOrThrow().toFloatArray();
            }
            model.setProperty("Epoch", Integer.toString(epoch));
            model.save(dir, prefix);
            return out;
        }
    }

    @Test
    void djlParamsLoadExactlyTheNamedEpochFile() throws Exception {
        OfflineMode.enforce();
        Path named = Files.createDirectories(work.resolve("params-named"));
        float[] expected = saveTinyCnn(named, "agnostic", 0);
        Path decoys = Files.createDirectories(work.resolve("params-decoy"));
        float[] decoyOut = saveTinyCnn(decoys, "agnostic", 1);
        assertThat(Math.abs(decoyOut[IMAGE] - expected[IMAGE])).as("two random initializations differ").isGreaterThan(1e-4f);
        Path bundle = Fixtures.write(ModelBundleWriter.builder()
                .setName("tiny-djl").setArchitecture("tiny-cnn").setFormat(ModelFormat.DJL_PARAMS)
                .setPreprocessing(Fixtures.spec()).addWeights(NetworkRole.AGNOSTIC, named.resolve("agnostic-0000.params"))
                .optBlock(new BlockSpec(TinyCnnFactory.NAME, Map.of("width", "8")))
                .optOutput(OutputSpec.regression(Fixtures.SCALE, Fixtures.OFFSET)), work, "params-bundle");
        // DJL without an epoch picks the latest -NNNN.params; a TorchScript or bare-named file is another candidate.
        Files.copy(decoys.resolve("agnostic-0001.params"), bundle.resolve("agnostic-0001.params"));
        Files.copy(decoys.resolve("agnostic-0001.params"), bundle.resolve("agnostic"));
        Files.copy(Fixtures.file(work.resolve("src"), "alexnet_tiny.pt"), bundle.resolve("agnostic.pt"));
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            assertThat(run(estimator, NetworkRole.AGNOSTIC)[IMAGE])
                    .isCloseTo(Fixtures.SCALE * expected[IMAGE] + Fixtures.OFFSET, within(1e-4));
        }
        // And a swapped params file is caught by the digest of the bytes actually loaded.
        try (ModelBundle loaded = ModelBundle.load(bundle)) {
            Files.copy(bundle.resolve("agnostic-0001.params"), bundle.resolve("agnostic-0000.params"),
                    StandardCopyOption.REPLACE_EXISTING);
            assertThatThrownBy(() -> DjlBoneAgeEstimator.builder().setBundle(loaded).build())
                    .isInstanceOf(ModelBundleException.class).hasMessageContaining("agnostic-0000.params has SHA-256");
        }
    }

    @Test
    void engineScratchFoldersAreDeletedAfterLoading() throws IOException {
        Path bundle = bundleWithDecoys("onnx", "scratch-onnx");
        Path ptBundle = bundleWithDecoys("pt", "scratch-pt");
        try (DjlBoneAgeEstimator ort = DjlBoneAgeEstimator.builder().setBundle(bundle).build();
                DjlBoneAgeEstimator torch = DjlBoneAgeEstimator.builder().setBundle(ptBundle).build()) {
            for (DjlBoneAgeEstimator e : List.of(ort, torch)) {
                Path scratch = e.network(NetworkRole.AGNOSTIC).model().getModelPath();
                assertThat(scratch).as("the engine's empty model folder").doesNotExist();
            }
        }
    }
}
