package io.github.boneage.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.FractionSplit;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.testing.SharedData;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** On a few hundred real radiographs, a short run from scratch beats predicting the training mean on held-out images. */
@Tag("slow")
@Tag("data")
class RsnaTrainingTest {

    @TempDir
    Path dir;

    @Test
    void shortRunBeatsTheMeanOnHeldOutRadiographs() throws Exception {
        Path folder = SharedData.require("data/rsna-299");
        RsnaDataset dataset = RsnaDataset.builder().setFolder(folder).build();
        List<Sample> subset = dataset.samples().subList(0, 600);
        DatasetSplit split = FractionSplit.builder().setValidationFraction(0.2).setSeed(2026).build().split(subset);
        PreprocessSpec spec = new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.histeq(), 80, 1, new double[] {0.5},
                new double[] {0.25});

        TrainingReport report = BoneAgeTrainer.builder()
                .setSplit(split)
                .setPreprocessSpec(spec)
                .setBackbone(TrainingData.smallCnn())
                .setOutputDirectory(dir.resolve("bundle"))
                .optDataName("rsna-299 (first 600 labels)")
                .optSexHandling(SexHandling.SEX_INPUT)
                .optSettings(TrainingSettings.builder().optEpochs(10).optBaseLearningRate(2e-3).build())
                .build()
                .train();

        double mean = split.train().stream().mapToDouble(Sample::boneAgeMonths).average().orElseThrow();
        double baseline = split.validation().stream().mapToDouble(s -> Math.abs(s.boneAgeMonths() - mean)).average().orElseThrow();
        LoggerFactory.getLogger(RsnaTrainingTest.class).info("held-out MAD {} (CCC {}) vs predict-the-mean {} months",
                report.validationMad(), report.validationCcc(), baseline);
        assertThat(report.validationImages()).isEqualTo(split.validation().size());
        assertThat(report.validationMad()).as("held-out MAD vs predict-the-mean %.1f months", baseline).isLessThan(baseline);
    }
}
