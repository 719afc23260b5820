package io.github.boneage.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.Sex;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.djl.train.data.TensorWriter;
import io.github.boneage.djl.train.net.BoneAgeNetwork;
import io.github.boneage.djl.train.net.NetworkSpec;
import io.github.boneage.preprocess.Preprocessor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chronological-age input and early stopping, end to end on small synthetic runs. */
class HeadAndInputOptionsTest {

    @TempDir
    Path dir;

    @Test
    void chronologicalAgeInputIsTrainedRecordedAndFedAtPrediction() {
        List<TrainingExample> validation = TrainingData.hands(72, 8, 64, Sex.UNKNOWN);
        TrainingReport report = BoneAgeTrainer.builder()
                .setTrainingData(TrainingData.hands(71, 32, 64, Sex.UNKNOWN))
                .optValidationData(validation)
                .setPreprocessSpec(TrainingData.spec(32))
                .setBackbone(TrainingData.smallCnn())
                .setOutputDirectory(dir.resolve("bundle"))
                .optSexHandling(SexHandling.SEX_INPUT)
                .optChronologicalAgeInput(true)
                .optSettings(TrainingSettings.builder().optEpochs(2).optBatchSize(16).build())
                .build()
                .train();

        NetworkSpec spec = report.networks().get(0).spec();
        assertThat(spec.auxiliaryInputs()).isEqualTo(2);
        try (ModelBundle bundle = ModelBundle.load(dir.resolve("bundle"))) {
            assertThat(bundle.manifest().block().arguments()).containsEntry("chronologicalAgeInput", "true");
        }
        TrainingExample e = validation.get(0);
        float[] image = new float[32 * 32];
        new TensorWriter(TrainingData.spec(32)).write(new Preprocessor(TrainingData.spec(32)).prepare(e.image(), null).image(),
                image, 0);
        try (BoneAgeNetwork network = BoneAgeNetwork.load(dir.resolve("bundle.checkpoints/agnostic/best"), spec, false)) {
            float sex = NetworkSpec.encodeSex(e.sex());
            double young = network.predictMonths(image, 1, new float[] {sex, NetworkSpec.encodeChronologicalAge(12)})[0];
            double old = network.predictMonths(image, 1, new float[] {sex, NetworkSpec.encodeChronologicalAge(200)})[0];
            assertThat(young).isFinite();
            assertThat(old).as("the chronological age reaches the head").isNotEqualTo(young);
        }
    }

    @Test
    void earlyStoppingEndsARunThatNoLongerImproves() {
        // A vanishing learning rate: the validation MAD never improves after the first validation.
        TrainingReport report = BoneAgeTrainer.builder()
                .setTrainingData(TrainingData.hands(73, 32, 64, Sex.UNKNOWN))
                .optValidationData(TrainingData.hands(74, 8, 64, Sex.UNKNOWN))
                .setPreprocessSpec(TrainingData.spec(32))
                .setBackbone(TrainingData.smallCnn())
                .setOutputDirectory(dir.resolve("stopped"))
                .optSettings(TrainingSettings.builder().optEpochs(10).optBatchSize(8).optBaseLearningRate(1e-30)
                        .optAugmentation(Augmentation.none()).optEarlyStoppingPatience(2).build())
                .build()
                .train();

        TrainingReport.NetworkReport network = report.networks().get(0);
        assertThat(network.stoppedEarly()).isTrue();
        assertThat(network.history()).hasSize(3);
        assertThat(network.steps()).isEqualTo(12);
        assertThat(network.totalSteps()).isEqualTo(40);
        assertThat(network.keptStep()).isEqualTo(4);
    }
}
