package io.github.boneage.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.Sex;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.djl.impl.OneDnnIsa;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.train.net.Architecture;
import io.github.boneage.djl.train.net.BackboneSpec;
import io.github.boneage.djl.train.net.BoneAgeNetwork;
import io.github.boneage.djl.train.net.NetworkSpec;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning a bundle ({@link BackboneSpec#bundle}): the network read back from the bundle is the one that was
 * written (same outputs), its TorchScript backbone is trainable, and the new bundle keeps the start's spec.
 */
class BundleFineTuneTest {

    private static final Path FIXTURE = Path.of("src/test/resources/train/tiny_backbone.pt");

    @TempDir
    static Path dir;
    static Path start;
    static TrainingReport startReport;

    @BeforeAll
    static void trainAStartingBundle() {
        start = dir.resolve("start");
        startReport = BoneAgeTrainer.builder()
                .setTrainingData(TrainingData.hands(41, 32, 64, Sex.UNKNOWN))
                .setPreprocessSpec(TrainingData.spec(32))
                .setBackbone(BackboneSpec.torchScript(FIXTURE, "tiny-fixture"))
                .setOutputDirectory(start)
                .optSettings(TrainingSettings.builder().optIterations(4).optBatchSize(8).optAugmentation(Augmentation.none()).build())
                .build()
                .train();
    }

    /** Fine-tunes the starting bundle on {@code count} generated hands (seed {@code seed}) without augmentation. */
    private static TrainingReport fineTuneStart(long seed, int count, PreprocessSpec spec, Path out, int iterations) {
        return BoneAgeTrainer.builder()
                .setTrainingData(TrainingData.hands(seed, count, 64, Sex.UNKNOWN))
                .setPreprocessSpec(spec)
                .setBackbone(BackboneSpec.bundle(start, Architecture.TORCHSCRIPT, "tiny-fixture"))
                .setOutputDirectory(out)
                .optSettings(TrainingSettings.builder().optIterations(iterations).optBatchSize(8)
                        .optAugmentation(Augmentation.none()).build())
                .build()
                .train();
    }

    @Test
    void theNetworkReadFromTheBundleIsTheOneWrittenAndTrainable() {
        NetworkSpec spec = startReport.networks().get(0).spec();
        Random random = new Random(3);
        float[] images = new float[2 * spec.channels() * spec.inputSize() * spec.inputSize()];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
        }
        float[] aux = spec.auxiliaryInputs() == 0 ? null : new float[] {1, -1};
        try (BoneAgeNetwork fromBundle = BoneAgeNetwork.fromBundle(start, NetworkRole.AGNOSTIC, true);
                BoneAgeNetwork kept = BoneAgeNetwork.load(dir.resolve("start.checkpoints/agnostic/final"), spec, false)) {
            assertThat(fromBundle.spec()).isEqualTo(spec);
            assertThat(fromBundle.forward(images, 2, aux)).containsExactly(kept.forward(images, 2, aux),
                    org.assertj.core.data.Offset.offset(1e-5f));
            // Backbone parameters come back with gradients, so fine-tuning moves them.
            assertThat(fromBundle.trainableParameters().stream().filter(p -> fromBundle.backboneParameterIds().contains(p.getId())))
                    .isNotEmpty();
        }
    }

    @Test
    void fineTuningKeepsTheStartsSpecAndRecordsWhereItStarted() throws Exception {
        NetworkSpec startSpec = startReport.networks().get(0).spec();
        Path tuned = dir.resolve("tuned");
        // Other images with another age spread: the target scaling must still be the start's.
        TrainingReport report = fineTuneStart(77, 24, TrainingData.spec(32), tuned, 2);
        assertThat(report.networks().get(0).spec()).isEqualTo(startSpec);
        try (ModelBundle bundle = ModelBundle.load(tuned)) {
            assertThat(bundle.manifest().provenance().trainerSettings()).containsEntry("backboneSource", "bundle")
                    .hasEntrySatisfying("startedFrom", v -> assertThat(v).contains(start.toString()))
                    // the kernels it ran on (docs/engines.md#onednn-pytorch-on-cpu)
                    .containsEntry("onednnMaxCpuIsa", OneDnnIsa.describe());
        }
        assertThat(Files.readAllLines(tuned.resolve(BoneAgeTrainer.TRAINING_IDS_FILE))).hasSize(report.trainingImages());
    }

    @Test
    void anotherEqualizerIsPreprocessingAndMayChangeWhenFineTuning() {
        Path tuned = dir.resolve("tuned-histeq");
        PreprocessSpec histeq = TrainingData.spec(32).withEqualizer(EqualizerSpec.histeq());
        fineTuneStart(78, 16, histeq, tuned, 1);
        try (ModelBundle bundle = ModelBundle.load(tuned)) {
            assertThat(bundle.manifest().preprocessing()).isEqualTo(histeq);
        }
    }

    @Test
    void aTorchScriptBackboneIsFineTunedAtAnotherInputSize() throws Exception {
        NetworkSpec startSpec = startReport.networks().get(0).spec();
        Path tuned = dir.resolve("tuned-48");
        TrainingReport report = fineTuneStart(79, 16, TrainingData.spec(48), tuned, 1);
        assertThat(report.networks().get(0).spec()).isEqualTo(startSpec.withInputSize(48));
        try (ModelBundle bundle = ModelBundle.load(tuned)) {
            assertThat(bundle.manifest().preprocessing()).isEqualTo(TrainingData.spec(48));
            assertThat(bundle.manifest().input().height()).isEqualTo(48);
        }
        // The new bundle reads 48-pixel images and is itself a start for further fine-tuning at that size.
        try (BoneAgeNetwork network = BoneAgeNetwork.fromBundle(tuned, NetworkRole.AGNOSTIC, false)) {
            assertThat(network.spec().inputSize()).isEqualTo(48);
            float[] aux = network.spec().auxiliaryInputs() == 0 ? null : new float[] {1};
            assertThat(network.forward(new float[48 * 48], 1, aux)).hasSize(network.spec().head().outputs());
        }
    }

    @Test
    void aDifferentInputThanTheBundlesIsRefused() {
        PreprocessSpec threeChannels = new PreprocessSpec(io.github.boneage.core.RoiScheme.WHOLE, EqualizerSpec.none(), 32, 3,
                PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD);
        assertThatThrownBy(() -> BoneAgeTrainer.builder()
                        .setTrainingData(TrainingData.hands(77, 16, 64, Sex.UNKNOWN))
                        .setPreprocessSpec(threeChannels)
                        .setBackbone(BackboneSpec.bundle(start, Architecture.TORCHSCRIPT, "tiny-fixture"))
                        .setOutputDirectory(dir.resolve("refused"))
                        .optSettings(TrainingSettings.builder().optIterations(1).optBatchSize(8).build())
                        .build()
                        .train())
                .isInstanceOf(TrainingException.class).hasMessageContaining("cannot fine-tune model bundle")
                .hasMessageContaining("preprocessing");
        assertThatThrownBy(() -> BackboneSpec.bundle(dir, Architecture.TORCHSCRIPT, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("boneage-model.json");
    }
}
