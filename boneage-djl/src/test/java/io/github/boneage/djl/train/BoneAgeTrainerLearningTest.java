package io.github.boneage.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.Sex;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.djl.manifest.ModelFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer learns: a small CNN on synthetic hands beats the predict-the-mean baseline by a wide margin. */
class BoneAgeTrainerLearningTest {

    @TempDir
    Path dir;

    @Test
    void smallCnnOnSyntheticHandsHalvesTheMeanBaselineMad() throws Exception {
        List<TrainingExample> train = TrainingData.hands(11, 384, 128, Sex.UNKNOWN);
        List<TrainingExample> validation = TrainingData.hands(12, 96, 128, Sex.UNKNOWN);
        double baseline = TrainingData.meanBaselineMad(validation, train);

        TrainingReport report = BoneAgeTrainer.builder()
                .setTrainingData(train)
                .optValidationData(validation)
                .setPreprocessSpec(TrainingData.spec(64))
                .setBackbone(TrainingData.smallCnn())
                .setOutputDirectory(dir.resolve("bundle"))
                .optSexHandling(SexHandling.SEX_INPUT)
                .optSettings(TrainingSettings.builder()
                        .optEpochs(5)
                        .optBaseLearningRate(3e-3)
                        .optAugmentation(Augmentation.none())
                        .build())
                .build()
                .train();

        assertThat(report.validationMad()).as("validation MAD vs mean baseline %.1f", baseline).isLessThan(0.5 * baseline);
        assertThat(report.validationCcc()).isGreaterThan(0.7);
        TrainingReport.NetworkReport network = report.networks().get(0);
        assertThat(network.history()).hasSize(5);
        assertThat(network.history()).allSatisfy(r -> assertThat(r.imagesPerSecond()).isPositive());
        assertThat(network.keptValidationMad()).isEqualTo(network.history().stream()
                .mapToDouble(EpochRecord::validationMad).min().orElseThrow());
        assertThat(report.skippedImages()).isEmpty();

        Path bundle = dir.resolve("bundle");
        assertThat(bundle.resolve(TrainingReport.FILE_NAME)).exists();
        assertThat(Files.readAllLines(bundle.resolve("validation-predictions.csv"))).hasSize(validation.size() + 1);
        try (ModelBundle loaded = ModelBundle.load(bundle)) {
            assertThat(loaded.manifest().format()).isEqualTo(ModelFormat.DJL_PARAMS);
            assertThat(loaded.manifest().provenance().validationMetrics().get("mad")).isEqualTo(report.validationMad());
        }
    }
}
