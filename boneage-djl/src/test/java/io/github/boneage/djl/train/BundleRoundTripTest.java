package io.github.boneage.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Sex;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.train.net.HeadSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Train, write the bundle, load it with {@link DjlBoneAgeEstimator}: the estimator reproduces the trainer's predictions. */
class BundleRoundTripTest {

    @TempDir
    Path dir;

    private static TrainingSettings quick() {
        return TrainingSettings.builder().optEpochs(2).optBatchSize(16).optAugmentation(Augmentation.none()).build();
    }

    @Test
    void sexInputBundleGivesTheTrainersValidationPredictions() throws IOException {
        List<TrainingExample> validation = TrainingData.hands(22, 24, 64, Sex.UNKNOWN);
        BoneAgeTrainer.builder()
                .setTrainingData(TrainingData.hands(21, 64, 64, Sex.UNKNOWN))
                .optValidationData(validation)
                .setPreprocessSpec(TrainingData.spec(32))
                .setBackbone(TrainingData.smallCnn())
                .setOutputDirectory(dir.resolve("bundle"))
                .optSexHandling(SexHandling.SEX_INPUT)
                .optSettings(quick())
                .build()
                .train();

        Map<String, Double> expected = predictions(dir.resolve("bundle"));
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(dir.resolve("bundle")).build()) {
            List<EstimationOutcome> outcomes = estimator.estimateBatch(requests(validation));
            for (EstimationOutcome o : outcomes) {
                assertThat(o.estimate().orElseThrow().months()).as(o.sourceId()).isCloseTo(expected.get(o.sourceId()), within(1e-3));
            }
        }
    }

    @Test
    void perSexTrainsTwoNetworksAndTheEstimatorRoutesBySex() throws IOException {
        List<TrainingExample> validation = TrainingData.hands(32, 24, 64, Sex.UNKNOWN);
        TrainingReport report = BoneAgeTrainer.builder()
                .setTrainingData(TrainingData.hands(31, 64, 64, Sex.UNKNOWN))
                .optValidationData(validation)
                .setPreprocessSpec(TrainingData.spec(32))
                .setBackbone(TrainingData.smallCnn())
                .setOutputDirectory(dir.resolve("bundle"))
                .optSexHandling(SexHandling.PER_SEX)
                .optHead(HeadSpec.ageBins(12, 0, 240))
                .optSettings(quick())
                .build()
                .train();

        assertThat(report.networks()).extracting(TrainingReport.NetworkReport::name).containsExactly("male", "female");
        long males = validation.stream().filter(e -> e.sex() == Sex.MALE).count();
        assertThat(report.networks().get(0).validationImages()).isEqualTo((int) males);
        Map<String, Double> expected = predictions(dir.resolve("bundle"));
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(dir.resolve("bundle")).build()) {
            assertThat(estimator.bundle().roles()).containsExactlyInAnyOrder(NetworkRole.MALE, NetworkRole.FEMALE);
            for (EstimationOutcome o : estimator.estimateBatch(requests(validation))) {
                assertThat(o.estimate().orElseThrow().months()).as(o.sourceId()).isCloseTo(expected.get(o.sourceId()), within(1e-3));
            }
            // The same image through the other sex's network gives another estimate.
            TrainingExample first = validation.get(0);
            Sex other = first.sex() == Sex.MALE ? Sex.FEMALE : Sex.MALE;
            double own = estimator.estimate(request(first, first.sex())).months();
            double swapped = estimator.estimate(request(first, other)).months();
            assertThat(swapped).isNotCloseTo(own, within(1e-6));
            assertThat(estimator.estimateBatch(List.of(request(first, Sex.UNKNOWN))).get(0).isSuccess()).isFalse();
        }
    }

    static Map<String, Double> predictions(Path bundle) throws IOException {
        Map<String, Double> out = new HashMap<>();
        try (Stream<String> lines = Files.lines(bundle.resolve("validation-predictions.csv"))) {
            lines.skip(1).forEach(l -> {
                String[] f = l.split(",");
                out.put(f[0], Double.parseDouble(f[2]));
            });
        }
        return out;
    }

    static List<EstimationRequest> requests(List<TrainingExample> examples) {
        List<EstimationRequest> out = new ArrayList<>();
        examples.forEach(e -> out.add(request(e, e.sex())));
        return out;
    }

    static EstimationRequest request(TrainingExample e, Sex sex) {
        return EstimationRequest.builder().setImage(e.image()).optSex(sex).optSourceId(e.id()).build();
    }
}
