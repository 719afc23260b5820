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
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model v1 (models/default, one whole-image network; the default model until v2, and what v2's members were fine-tuned
 * from): it loads, gives sane outputs, and its held-out figures hold.
 */
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

    /**
     * Evaluates the default model on its own held-out RSNA images (never trained on: the bundle's held-out-ids.txt is
     * the split's validation list, checked against the hash its provenance records). The trainer kept the weights of
     * the epoch with the best MAD on the first 500 of them (listed in validation-predictions.csv), so the figures are
     * also given for the other 1,000, which played no part in training or selection.
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
            MetricsAccumulator untouched = new MetricsAccumulator();
            Set<String> monitored = monitoredIds();
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
                    double months = outcomes.get(i).estimate().orElseThrow().months();
                    metrics.add(batch.get(i).boneAgeMonths(), months, batch.get(i).sex());
                    if (!monitored.contains(batch.get(i).id())) {
                        untouched.add(batch.get(i).boneAgeMonths(), months, batch.get(i).sex());
                    }
                }
            }
            MetricsReport report = metrics.report();
            MetricsReport untouchedReport = untouched.report();
            LOG.info("default model on {} held-out rsna-299 images: {}", ids.size(), report.summary());
            LOG.info("default model on the {} held-out images not used to select the epoch: {}",
                    untouchedReport.overall().n(), untouchedReport.summary());
            assertThat(report.overall().n()).isEqualTo(ids.size());
            assertThat(untouchedReport.overall().n()).isEqualTo(ids.size() - monitored.size());
            // The bundle's heldOutMetrics, which reports quote, are these untouched images' figures (as rounded there).
            io.github.boneage.core.HeldOutMetrics recorded = estimator.model().heldOut().orElseThrow();
            assertThat(recorded.n()).isEqualTo(untouchedReport.overall().n());
            assertThat(untouchedReport.overall().mad()).isCloseTo(recorded.mad(), org.assertj.core.data.Offset.offset(0.005));
            assertThat(untouchedReport.overall().ccc()).isCloseTo(recorded.ccc(), org.assertj.core.data.Offset.offset(0.0005));
            assertThat(untouchedReport.overall().rmse()).isCloseTo(recorded.rmse(), org.assertj.core.data.Offset.offset(0.005));
            assertThat(untouchedReport.overall().within12()).isCloseTo(recorded.within12(),
                    org.assertj.core.data.Offset.offset(0.0005));
            // Far better than predicting the mean (MAD about 33 months on this data); the exact figures are in the README.
            for (MetricsReport r : List.of(report, untouchedReport)) {
                assertThat(r.overall().mad()).isLessThan(10.0);
                assertThat(r.overall().ccc()).isGreaterThan(0.94);
            }
        }
    }

    /** @return the held-out ids the trainer validated on after each epoch (the first column of its predictions file) */
    private static Set<String> monitoredIds() throws IOException {
        Set<String> monitored = new HashSet<>();
        List<String> lines = Files.readAllLines(BUNDLE.resolve("validation-predictions.csv"));
        for (String line : lines.subList(1, lines.size())) {
            monitored.add(line.substring(0, line.indexOf(',')));
        }
        return monitored;
    }
}
