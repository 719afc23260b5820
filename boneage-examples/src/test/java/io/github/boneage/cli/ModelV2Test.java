package io.github.boneage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.EnsembleEstimator;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.HeldOutMetrics;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.metrics.MetricsAccumulator;
import io.github.boneage.core.metrics.MetricsReport;
import io.github.boneage.core.testing.SharedData;
import io.github.boneage.core.Sex;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.EnsembleBundle;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.SexHandling;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model v2 ensemble (models/v2: whole-image, ROI1 and ROI2 networks), the default model: the CLI uses it
 * without --model, it runs through the CLI's pipeline, and its recorded held-out figures hold on the 1,000 untouched
 * held-out radiographs.
 */
class ModelV2Test {

    private static final Logger LOG = LoggerFactory.getLogger(ModelV2Test.class);
    private static final Path ENSEMBLE = Paths.get("..", "models", "v2").toAbsolutePath().normalize();

    /** Model v2 is the default: estimate without --model names the ensemble. */
    @Test
    void theCliUsesItWithoutAModelFlag() {
        CliTest.Run r = CliTest.run("estimate", ENSEMBLE.resolve("../../samples/synthetic-hand.png").normalize().toString(),
                "--sex", "female", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"boneAgeMonths\"").contains(EnsembleBundle.read(ENSEMBLE).name());
    }

    @Test
    void estimatesTheSampleThroughTheCliWithAnInterval() {
        CliTest.Run r = CliTest.run("estimate", ENSEMBLE.resolve("../../samples/synthetic-hand.png").normalize().toString(),
                "--sex", "female", "--model", ENSEMBLE.toString(), "--uncertainty", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"boneAgeMonths\"").contains(EnsembleBundle.read(ENSEMBLE).name()).contains("interval");
    }

    /**
     * Each sex-specific member reads a girl with its girls' network and a boy with its boys' one (the estimate names the
     * network), and a patient of unknown sex with its all-sex network, so that v2 still estimates without the sex.
     */
    @Test
    void theSexSpecificMemberRoutesBySexAndUnknownSexIsStillEstimated() throws IOException {
        GreyImage image = ImageDecoder.create().decode(ENSEMBLE.resolve("../../samples/synthetic-hand.png").normalize());
        try (EnsembleEstimator v2 = EnsembleBundle.open(ENSEMBLE)) {
            List<EnsembleEstimator.Member> perSex = v2.members().stream()
                    .filter(m -> m.estimator() instanceof DjlBoneAgeEstimator d
                            && d.bundle().manifest().sexHandling().mode() == SexHandling.Mode.PER_SEX)
                    .toList();
            assertThat(perSex).hasSize(3);
            HandLandmarks points = LandmarkDetectors.defaultDetector().detect(image, "sample").landmarks().orElseThrow();
            for (EnsembleEstimator.Member member : perSex) {
                for (Sex sex : List.of(Sex.FEMALE, Sex.MALE, Sex.UNKNOWN)) {
                    String network = member.estimator().estimate(EstimationRequest.builder().setImage(image).optSex(sex)
                            .optSourceId("sample").optLandmarks(points).build()).model().name();
                    String expected = sex == Sex.UNKNOWN ? NetworkRole.AGNOSTIC.label() : NetworkRole.of(sex).label();
                    assertThat(network).endsWith("(" + expected + " network)");
                }
            }
            double unknown = v2.estimate(EstimationRequest.builder().setImage(image).optSex(Sex.UNKNOWN).optSourceId("sample")
                    .build()).months();
            assertThat(unknown).isBetween(0.0, 240.0);
        }
    }

    /**
     * Ids 501-1,500 of the members' held-out list took part in neither training, nor any member's epoch choice, nor
     * the choice of members and their weights (made on ids 1-500): the figures quoted for v2.
     */
    @Test
    @Tag("data")
    @Tag("slow")
    void recordedHeldOutFiguresHoldOnTheUntouchedRadiographs() throws IOException {
        Path data = SharedData.require("data/rsna-299");
        List<String> heldOut = Files.readAllLines(ENSEMBLE.resolve("whole").resolve("held-out-ids.txt")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        Set<String> untouched = Set.copyOf(heldOut.subList(500, heldOut.size()));
        List<Sample> samples = RsnaDataset.builder().setFolder(data).build().samples().stream()
                .filter(s -> untouched.contains(s.id())).collect(Collectors.toList());
        assertThat(samples).hasSize(1000);
        ImageDecoder decoder = ImageDecoder.create();
        LandmarkDetector detector = LandmarkDetectors.defaultDetector();
        MetricsAccumulator metrics = new MetricsAccumulator();
        int withoutPoints = 0;
        int failed = 0;
        try (EnsembleEstimator v2 = EnsembleBundle.open(ENSEMBLE)) {
            for (int start = 0; start < samples.size(); start += 32) {
                List<Sample> batch = samples.subList(start, Math.min(samples.size(), start + 32));
                List<EstimationRequest> requests = new ArrayList<>();
                for (Sample s : batch) {
                    GreyImage image = decoder.decode(s.image());
                    LandmarkDetection d = detector.detect(image, s.id());
                    withoutPoints += d.ok() ? 0 : 1;
                    requests.add(EstimationRequest.builder().setImage(image).optSex(s.sex()).optSourceId(s.id())
                            .optLandmarks(d.ok() ? d.landmarks().orElseThrow() : null).build());
                }
                List<EstimationOutcome> outcomes = v2.estimateBatch(requests);
                for (int i = 0; i < batch.size(); i++) {
                    // An image the ensemble refuses (a member's output far outside 0-240 months) would be left out,
                    // as evaluate leaves it out; the recorded n says how many were estimated.
                    if (outcomes.get(i).isSuccess()) {
                        metrics.add(batch.get(i).boneAgeMonths(), outcomes.get(i).estimate().orElseThrow().months(),
                                batch.get(i).sex());
                    } else {
                        failed++;
                        LOG.info("model v2 refused {}: {}", batch.get(i).id(), outcomes.get(i).error().orElseThrow().getMessage());
                    }
                }
            }
            MetricsReport report = metrics.report();
            LOG.info("model v2 on the 1,000 untouched held-out rsna-299 images ({} without points, {} refused): {}",
                    withoutPoints, failed, report.summary());
            // A member reading just outside 0-240 months is left out of that estimate rather than refusing the image
            // (id 1559's ROI2 reading of -0.5 months with the landmark detector's first reading alone).
            assertThat(failed).as("images the ensemble refused").isZero();
            HeldOutMetrics recorded = v2.model().heldOut().orElseThrow();
            assertThat(recorded.n()).isEqualTo(report.overall().n());
            assertThat(report.overall().mad()).isCloseTo(recorded.mad(), within(0.005));
            assertThat(report.overall().ccc()).isCloseTo(recorded.ccc(), within(0.0005));
            assertThat(report.overall().rmse()).isCloseTo(recorded.rmse(), within(0.005));
            assertThat(report.overall().within12()).isCloseTo(recorded.within12(), within(0.0005));
        }
    }
}
