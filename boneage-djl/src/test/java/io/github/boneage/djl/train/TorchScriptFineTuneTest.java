package io.github.boneage.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Sex;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.OfflineMode;
import io.github.boneage.djl.train.net.BackboneSpec;
import io.github.boneage.djl.train.net.BoneAgeNetwork;
import io.github.boneage.djl.train.net.NetworkSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scripted TorchScript backbone is fine-tuned: its weights move, at the backbone's own learning rate. */
class TorchScriptFineTuneTest {

    static {
        // Before this class's own PyTorch models run a convolution (OfflineMode: no downloads, oneDNN capped at AVX2).
        OfflineMode.enforce();
    }

    private static final Path FIXTURE = Path.of("src/test/resources/train/tiny_backbone.pt");

    @TempDir
    Path dir;

    @Test
    void fineTuningChangesTheBackboneWeightsAndTheBundleRunsInTheEstimator() throws Exception {
        TrainingReport report = train(dir.resolve("tuned"), 0.5);
        List<float[]> before = fixtureWeights();
        List<float[]> after = trainedBackboneWeights(dir.resolve("tuned.checkpoints/agnostic/final"), report);
        assertThat(after).hasSameSizeAs(before);
        double change = 0;
        for (int i = 0; i < before.size(); i++) {
            for (int k = 0; k < before.get(i).length; k++) {
                change += Math.abs(after.get(i)[k] - before.get(i)[k]);
            }
        }
        assertThat(change).as("total absolute change of the backbone's weights").isGreaterThan(1e-3);

        TrainingExample probe = TrainingData.hands(41, 1, 64, Sex.MALE).get(0);
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(dir.resolve("tuned")).build()) {
            double months = estimator.estimate(EstimationRequest.builder().setImage(probe.image()).optSex(Sex.MALE).build()).months();
            assertThat(months).isFinite();
        }
    }

    @Test
    void backboneLearningRateFactorZeroFreezesTheBackbone() throws Exception {
        TrainingReport report = train(dir.resolve("frozen"), 0.0);
        List<float[]> before = fixtureWeights();
        List<float[]> after = trainedBackboneWeights(dir.resolve("frozen.checkpoints/agnostic/final"), report);
        for (int i = 0; i < before.size(); i++) {
            assertThat(after.get(i)).containsExactly(before.get(i));
        }
    }

    @Test
    void aBackboneThatRejectsThePreprocessedShapeIsNamed() {
        io.github.boneage.preprocess.PreprocessSpec threeChannels = new io.github.boneage.preprocess.PreprocessSpec(
                io.github.boneage.core.RoiScheme.WHOLE, io.github.boneage.preprocess.EqualizerSpec.none(), 32, 3,
                io.github.boneage.preprocess.PreprocessSpec.IMAGENET_MEAN, io.github.boneage.preprocess.PreprocessSpec.IMAGENET_STD);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BoneAgeTrainer.builder()
                        .setTrainingData(TrainingData.hands(42, 16, 64, Sex.UNKNOWN))
                        .setPreprocessSpec(threeChannels)
                        .setBackbone(BackboneSpec.torchScript(FIXTURE, "tiny-fixture"))
                        .setOutputDirectory(dir.resolve("mismatch"))
                        .optSettings(TrainingSettings.builder().optIterations(1).optBatchSize(8).build())
                        .build()
                        .train())
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("tiny-fixture").hasMessageContaining("(8, 3, 32, 32)").hasMessageContaining("3 channels");
    }

    private TrainingReport train(Path out, double backboneFactor) {
        return BoneAgeTrainer.builder()
                .setTrainingData(TrainingData.hands(41, 48, 64, Sex.UNKNOWN))
                .setPreprocessSpec(TrainingData.spec(32))
                .setBackbone(BackboneSpec.torchScript(FIXTURE, "tiny-fixture"))
                .setOutputDirectory(out)
                .optSettings(TrainingSettings.builder()
                        .optIterations(6)
                        .optBatchSize(16)
                        .optBaseLearningRate(1e-2)
                        .optBackboneLearningRateFactor(backboneFactor)
                        .optAugmentation(Augmentation.none())
                        .build())
                .build()
                .train();
    }

    private static List<float[]> fixtureWeights() throws Exception {
        BoneAgeNetwork.engine();
        try (Model model = Model.newInstance("fixture", BoneAgeNetwork.ENGINE)) {
            model.load(FIXTURE, null, Map.of("trainParam", "true"));
            return weights(model.getBlock().getParameters().values());
        }
    }

    private static List<float[]> trainedBackboneWeights(Path folder, TrainingReport report) {
        NetworkSpec spec = report.networks().get(0).spec();
        try (BoneAgeNetwork network = BoneAgeNetwork.load(folder, spec, false)) {
            return weights(network.block().backbone().getParameters().values());
        }
    }

    private static List<float[]> weights(List<Parameter> parameters) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : parameters) {
            NDArray a = p.getArray();
            out.add(a.toFloatArray());
        }
        return out;
    }
}
