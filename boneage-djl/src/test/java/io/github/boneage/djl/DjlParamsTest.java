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
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.translate.NoopTranslator;
import io.github.boneage.core.Sex;
import io.github.boneage.djl.manifest.BlockSpec;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.ModelManifest;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL-parameter bundles, as the project's trainer will write them: a block saved with {@code Model.save}, rebuilt at
 * load time by the {@link BlockFactory} the manifest names.
 */
class DjlParamsTest {

    @TempDir
    static Path work;
    private static Path params;
    private static float[] expected;

    /** Makes a randomly initialized tiny CNN, saves its parameters, and records its output on the reference batch. */
    @BeforeAll
    static void saveBlock() throws Exception {
        // This test starts PyTorch itself, before any estimator: keep DJL offline first, as direct DJL users must.
        OfflineMode.enforce();
        Path dir = Files.createDirectories(work.resolve("trained"));
        int n = Fixtures.referenceCount();
        try (Model model = Model.newInstance("tiny", "PyTorch")) {
            Block block = TinyCnnFactory.build(8, 1);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, Fixtures.SIZE, Fixtures.SIZE));
            try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
                    NDManager manager = model.getNDManager().newSubManager()) {
                NDList out = predictor.predict(new NDList(manager.create(Fixtures.referenceBatch(),
                        new Shape(n, 3, Fixtures.SIZE, Fixtures.SIZE))));
                expected = out.singletonOrThrow().toFloatArray();
            }
            model.save(dir, "tiny");
        }
        params = dir.resolve("tiny-0000.params");
        assertThat(params).isRegularFile();
    }

    private static ModelBundleWriter.Builder bundle(String factory) {
        return ModelBundleWriter.builder()
                .setName("tiny-djl")
                .setArchitecture("tiny-cnn")
                .setFormat(ModelFormat.DJL_PARAMS)
                .setPreprocessing(Fixtures.spec())
                .addWeights(NetworkRole.AGNOSTIC, params)
                .optBlock(new BlockSpec(factory, Map.of("width", "8")))
                .optOutput(OutputSpec.regression(Fixtures.SCALE, Fixtures.OFFSET));
    }

    private static double[] run(DjlBoneAgeEstimator estimator) {
        int n = Fixtures.referenceCount();
        Sex[] sexes = {Sex.MALE, Sex.FEMALE, Sex.UNKNOWN};
        return estimator.estimateMonths(NetworkRole.AGNOSTIC, Fixtures.referenceBatch(), sexes, n);
    }

    @Test
    void factoryFromServiceLoaderRebuildsTheSavedBlock() {
        Path folder = Fixtures.write(bundle(TinyCnnFactory.NAME), work, "service-loader");
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(folder).build()) {
            assertThat(estimator.bundle().manifest().engine()).isEqualTo("PyTorch");
            double[] months = run(estimator);
            for (int i = 0; i < months.length; i++) {
                assertThat(months[i]).isCloseTo(Fixtures.SCALE * expected[i] + Fixtures.OFFSET, within(1e-4));
            }
        }
    }

    @Test
    void factoryGivenToTheBuilderWins() {
        BlockFactory renamed = new BlockFactory() {
            @Override
            public String name() {
                return "my-cnn";
            }

            @Override
            public Block newBlock(ModelManifest manifest) {
                return TinyCnnFactory.build(8, 1);
            }
        };
        Path zip = bundle("my-cnn").build().writeZip(work.resolve("builder.zip"));
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(zip).optBlockFactory(renamed).build()) {
            assertThat(run(estimator)[0]).isCloseTo(Fixtures.SCALE * expected[0] + Fixtures.OFFSET, within(1e-4));
        }
    }

    @Test
    void unknownFactoryIsABundleError() {
        Path folder = Fixtures.write(bundle("no-such-factory"), work, "unknown-factory");
        assertThatThrownBy(() -> DjlBoneAgeEstimator.builder().setBundle(folder).build())
                .isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("no block factory named 'no-such-factory'");
    }

    @Test
    void parametersThatDoNotFitTheBlockAreABundleError() {
        // DJL takes each parameter's shape from the file, so only a different structure can be told apart.
        BlockFactory deeper = new BlockFactory() {
            @Override
            public String name() {
                return "deeper";
            }

            @Override
            public Block newBlock(ModelManifest manifest) {
                return new SequentialBlock().add(TinyCnnFactory.build(8, 4)).add(Linear.builder().setUnits(1).build());
            }
        };
        Path folder = Fixtures.write(bundle("deeper"), work, "deeper");
        assertThatThrownBy(() -> DjlBoneAgeEstimator.builder().setBundle(folder).optBlockFactory(deeper).build())
                .isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("network agnostic (tiny-0000.params)");
    }
}
