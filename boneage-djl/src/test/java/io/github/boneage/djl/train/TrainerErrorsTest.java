package io.github.boneage.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad data and settings fail early with messages that name the problem; one unreadable image does not stop a run. */
class TrainerErrorsTest {

    @TempDir
    Path dir;

    private BoneAgeTrainer.Builder base(List<TrainingExample> train) {
        return BoneAgeTrainer.builder()
                .setTrainingData(train)
                .setPreprocessSpec(TrainingData.spec(32))
                .setBackbone(TrainingData.smallCnn())
                .setOutputDirectory(dir.resolve("bundle"))
                .optSettings(TrainingSettings.builder().optIterations(2).optBatchSize(8).build());
    }

    @Test
    void emptyTrainingData() {
        assertThatThrownBy(() -> base(List.of()).build().train()).isInstanceOf(TrainingException.class)
                .hasMessageContaining("training data is empty");
    }

    @Test
    void perSexWithOneSexOnly() {
        List<TrainingExample> boys = TrainingData.hands(61, 16, 64, Sex.MALE);
        assertThatThrownBy(() -> base(boys).optSexHandling(SexHandling.PER_SEX).build().train())
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("both sexes").hasMessageContaining("16 male and 0 female");
    }

    @Test
    void perSexWithUnknownSex() {
        List<TrainingExample> mixed = new ArrayList<>(TrainingData.hands(62, 16, 64, Sex.UNKNOWN));
        TrainingExample first = mixed.get(0);
        mixed.set(0, new TrainingExample(first.id(), null, first.image(), first.boneAgeMonths(), Sex.UNKNOWN, null, null));
        assertThatThrownBy(() -> base(mixed).optSexHandling(SexHandling.PER_SEX).build().train())
                .isInstanceOf(TrainingException.class).hasMessageContaining(first.id()).hasMessageContaining("unknown sex");
    }

    @Test
    void variableInputSize() {
        PreprocessSpec keepSize = new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.none(), 0, 1, new double[] {0.5},
                new double[] {0.25});
        assertThatThrownBy(() -> base(TrainingData.hands(63, 8, 64, Sex.UNKNOWN)).setPreprocessSpec(keepSize).build().train())
                .isInstanceOf(TrainingException.class).hasMessageContaining("fixed input size");
    }

    @Test
    void missingChronologicalAge() {
        List<TrainingExample> train = new ArrayList<>(TrainingData.hands(64, 8, 64, Sex.UNKNOWN));
        TrainingExample e = train.get(3);
        train.set(3, new TrainingExample(e.id(), null, e.image(), e.boneAgeMonths(), e.sex(), null, null));
        assertThatThrownBy(() -> base(train).optChronologicalAgeInput(true).build().train())
                .isInstanceOf(TrainingException.class).hasMessageContaining(e.id()).hasMessageContaining("chronological age");
    }

    @Test
    void nonEmptyOutputFolder() throws Exception {
        Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(dir.resolve("bundle/old.txt"), "x");
        assertThatThrownBy(() -> base(TrainingData.hands(65, 8, 64, Sex.UNKNOWN)).build().train())
                .isInstanceOf(TrainingException.class).hasMessageContaining("not empty");
    }

    @Test
    void unreadableAndMissingImagesAreReportedAndSkipped() throws Exception {
        Path garbage = dir.resolve("garbage.jpg");
        Files.writeString(garbage, "this is not a JPEG");
        List<TrainingExample> train = new ArrayList<>(TrainingData.hands(66, 16, 64, Sex.UNKNOWN));
        train.add(TrainingExample.ofFile("broken", garbage, 100, Sex.MALE));
        train.add(TrainingExample.ofFile("missing", dir.resolve("nowhere.png"), 90, Sex.FEMALE));
        List<String> reported = new ArrayList<>();
        TrainingReport report = base(train).addListener(new TrainingProgressListener() {
            @Override
            public void onImageSkipped(String imageId, String reason) {
                reported.add(imageId);
            }
        }).build().train();
        assertThat(reported).containsExactlyInAnyOrder("broken", "missing");
        assertThat(report.skippedImages()).extracting(TrainingReport.SkippedImage::id).containsExactlyInAnyOrder("broken", "missing");
        assertThat(report.skippedImages()).allSatisfy(s -> assertThat(s.reason()).isNotBlank());
        assertThat(report.trainingImages()).isEqualTo(16);
    }

    @Test
    void checkpointOfAnotherRunIsRefused() {
        List<TrainingExample> train = TrainingData.hands(67, 16, 64, Sex.UNKNOWN);
        Path checkpoints = dir.resolve("checkpoints");
        base(train).optCheckpointDirectory(checkpoints).build().train();
        assertThatThrownBy(() -> base(train.subList(0, 12)).setOutputDirectory(dir.resolve("other")).optCheckpointDirectory(checkpoints)
                .build().train())
                .isInstanceOf(TrainingException.class).hasMessageContaining("different run");
    }

    @Test
    void divergenceIsReported() {
        assertThatThrownBy(() -> base(TrainingData.hands(68, 16, 64, Sex.UNKNOWN))
                .optSettings(TrainingSettings.builder().optIterations(20).optBatchSize(8).optBaseLearningRate(1e12)
                        .optOptimizer(io.github.boneage.djl.train.optim.OptimizerSpec.sgd(0.9, 0)).optLoss(LossFunction.L2).build())
                .build().train())
                .isInstanceOf(TrainingException.class).hasMessageContaining("diverged").hasMessageContaining("lower the learning rate");
    }
}
