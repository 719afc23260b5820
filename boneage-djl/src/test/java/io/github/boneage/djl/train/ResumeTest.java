package io.github.boneage.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.Sex;
import io.github.boneage.djl.train.optim.LearningRateSchedule;
import io.github.boneage.djl.train.optim.OptimizerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An interrupted run resumed from its checkpoint continues exactly as the uninterrupted run. */
class ResumeTest {

    private static final int ITERATIONS = 12;
    private static final int CHECKPOINT_EVERY = 4;
    private static final int INTERRUPT_AFTER = 6;

    @TempDir
    Path dir;

    @Test
    void resumedRunMatchesTheUninterruptedOne() throws Exception {
        List<Double> straightLosses = new ArrayList<>();
        trainer(dir.resolve("straight"), recorder(straightLosses, -1)).train();

        List<Double> firstSession = new ArrayList<>();
        assertThatThrownBy(() -> trainer(dir.resolve("resumed"), recorder(firstSession, INTERRUPT_AFTER)).train())
                .hasMessageContaining("interrupted");
        List<Integer> resumedFrom = new ArrayList<>();
        List<Double> secondSession = new ArrayList<>();
        TrainingProgressListener starts = new TrainingProgressListener() {
            @Override
            public void onNetworkStart(String network, int firstStep, int totalSteps, int trainingImages, int validationImages) {
                resumedFrom.add(firstStep);
            }
        };
        TrainingReport resumed = trainer(dir.resolve("resumed"), recorder(secondSession, -1), starts).train();

        assertThat(resumedFrom).containsExactly(CHECKPOINT_EVERY);
        assertThat(secondSession).hasSize(ITERATIONS - CHECKPOINT_EVERY);
        for (int i = 0; i < secondSession.size(); i++) {
            assertThat(secondSession.get(i)).as("loss of iteration %d", CHECKPOINT_EVERY + i)
                    .isCloseTo(straightLosses.get(CHECKPOINT_EVERY + i), org.assertj.core.api.Assertions.within(1e-5));
        }
        Map<String, Double> a = BundleRoundTripTest.predictions(dir.resolve("straight"));
        Map<String, Double> b = BundleRoundTripTest.predictions(dir.resolve("resumed"));
        assertThat(b.keySet()).isEqualTo(a.keySet());
        a.forEach((id, months) -> assertThat(b.get(id)).as(id).isCloseTo(months, org.assertj.core.api.Assertions.within(1e-3)));
        assertThat(resumed.networks().get(0).steps()).isEqualTo(ITERATIONS);
    }

    private static TrainingProgressListener recorder(List<Double> losses, int interruptAfter) {
        return new TrainingProgressListener() {
            @Override
            public void onStep(StepProgress progress) {
                losses.add(progress.loss());
                if (progress.step() + 1 == interruptAfter) {
                    throw new IllegalStateException("interrupted on purpose after iteration " + progress.step());
                }
            }
        };
    }

    private static BoneAgeTrainer trainer(Path out, TrainingProgressListener... listeners) {
        BoneAgeTrainer.Builder b = BoneAgeTrainer.builder()
                .setTrainingData(TrainingData.hands(51, 64, 64, Sex.UNKNOWN))
                .optValidationData(TrainingData.hands(52, 16, 64, Sex.UNKNOWN))
                .setPreprocessSpec(TrainingData.spec(32))
                .setBackbone(TrainingData.smallCnn())
                .setOutputDirectory(out)
                .optHead(io.github.boneage.djl.train.net.HeadSpec.regression().withDropout(0.3))
                .optSettings(TrainingSettings.builder()
                        .optIterations(ITERATIONS)
                        .optBatchSize(16)
                        .optOptimizer(OptimizerSpec.sgd(0.9, 5e-4))
                        .optSchedule(LearningRateSchedule.step(5, 0.5))
                        .optBaseLearningRate(0.02)
                        .optValidationInterval(CHECKPOINT_EVERY)
                        .optCheckpointInterval(CHECKPOINT_EVERY)
                        .optAugmentation(Augmentation.standard())
                        .build());
        for (TrainingProgressListener l : listeners) {
            b.addListener(l);
        }
        return b.build();
    }
}
