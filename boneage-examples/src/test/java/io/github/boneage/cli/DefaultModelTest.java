package io.github.boneage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Sex;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.metrics.MetricsAccumulator;
import io.github.boneage.core.metrics.MetricsReport;
import io.github.boneage.core.testing.SharedData;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The shipped default model (models/default): it loads, gives sane outputs, and its held-out figures hold. */
class DefaultModelTest {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultModelTest.class);
    private static final Path BUNDLE = Paths.get("..", "models", "default").toAbsolutePath().normalize();

    @Test
    void loadsAndGivesFiniteInRangeEstimatesForBothSexes() {
        List<SyntheticHand> hands = SyntheticHandGenerator.builder().setSeed(11).optImageSize(256, 320).build().generate(4);
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(BUNDLE).build()) {
            for (SyntheticHand hand : hands) {
                for (Sex sex : Sex.values()) {
                    BoneAgeEstimate e = estimator.estimate(
                            EstimationRequest.builder().setImage(hand.image()).optSex(sex).build());
                    assertThat(e.months()).isFinite().isBetween(-24.0, 264.0);
                }
            }
            assertThat(estimator.model().provenance().validationMetrics()).containsKeys("mad", "ccc");
        }
    }

    @Test
    void theCliUsesItWithoutAModelFlag() {
        CliTest.Run r = CliTest.run("estimate", BUNDLE.resolve("../../samples/synthetic-hand.png").normalize().toString(),
                "--sex", "female", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"boneAgeMonths\"").contains(estimatorName());
    }

    private static String estimatorName() {
        try (ModelBundle bundle = ModelBundle.load(BUNDLE)) {
            return bundle.manifest().name();
        }
    }

    /**
     * Evaluates the default model on its own held-out RSNA images (never trained on: the bundle's held-out-ids.txt is
     * the split's validation list, checked against the hash its provenance records).
     */
    @Test
    @Tag("data")
    @Tag("slow")
    void heldOutFiguresOnRealRadiographs() throws IOException {
        Path data = SharedData.require("data/rsna-299");
        RsnaDataset dataset = RsnaDataset.builder().setFolder(data).build();
        Set<String> ids = DatasetSplit.readIds(BUNDLE.resolve("held-out-ids.txt"));
        DatasetSplit split = DatasetSplit.fromValidationIds(dataset.samples(), ids, "default model's held-out ids");
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(BUNDLE).build()) {
            assertThat(estimator.model().provenance().split())
                    .contains("ids sha256 " + split.validationIdsSha256().substring(0, 12));

            ImageDecoder decoder = ImageDecoder.create();
            MetricsAccumulator metrics = new MetricsAccumulator();
            List<Sample> heldOut = split.validation();
            for (int start = 0; start < heldOut.size(); start += 32) {
                List<Sample> batch = heldOut.subList(start, Math.min(heldOut.size(), start + 32));
                List<EstimationRequest> requests = new ArrayList<>();
                for (Sample s : batch) {
                    requests.add(EstimationRequest.builder().setImage(decoder.decode(s.image())).optSex(s.sex())
                            .optSourceId(s.id()).build());
                }
                List<EstimationOutcome> outcomes = estimator.estimateBatch(requests);
                for (int i = 0; i < batch.size(); i++) {
                    metrics.add(batch.get(i).boneAgeMonths(), outcomes.get(i).estimate().orElseThrow().months(),
                            batch.get(i).sex());
                }
            }
            MetricsReport report = metrics.report();
            LOG.info("default model on {} held-out rsna-299 images: {}", ids.size(), report.summary());
            assertThat(report.overall().n()).isEqualTo(ids.size());
            // Far better than predicting the mean (MAD about 33 months on this data); the exact figure is in the README.
            assertThat(report.overall().mad()).isLessThan(11.0);
            assertThat(report.overall().ccc()).isGreaterThan(0.93);
        }
    }
}
