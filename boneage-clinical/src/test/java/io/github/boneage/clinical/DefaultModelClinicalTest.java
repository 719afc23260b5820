package io.github.boneage.clinical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.clinical.explain.HeatmapRenderer;
import io.github.boneage.clinical.explain.OcclusionHeatmap;
import io.github.boneage.clinical.explain.OcclusionSensitivity;
import io.github.boneage.clinical.uncertainty.CoverageMeasurement;
import io.github.boneage.clinical.uncertainty.IntervalEstimate;
import io.github.boneage.clinical.uncertainty.UncertaintyCalibration;
import io.github.boneage.clinical.uncertainty.UncertaintyEstimator;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.testing.SharedData;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped default model's uncertainty calibration, and both clinical tools run through the real engine. */
class DefaultModelClinicalTest {

    private static final Path BUNDLE = Paths.get("..", "models", "default").toAbsolutePath().normalize();

    private static UncertaintyCalibration shippedCalibration() {
        Path file = UncertaintyCalibration.fileFor(BUNDLE);
        Assumptions.assumeTrue(Files.isRegularFile(file), "models/default has no uncertainty calibration");
        return UncertaintyCalibration.read(file);
    }

    @Test
    void shippedCalibrationBelongsToTheDefaultModelAndRecordsItsHeldOutCheck() {
        UncertaintyCalibration calibration = shippedCalibration();
        try (ModelBundle bundle = ModelBundle.load(BUNDLE)) {
            assertThat(calibration.model().digest())
                    .as("models/default was retrained: re-run CalibrateUncertainty (docs/uncertainty.md)")
                    .isEqualTo(bundle.modelInfo().digest());
        }
        assertThat(calibration.evaluation()).isNotNull();
        for (CoverageMeasurement m : calibration.evaluation().measurements()) {
            // A few hundred evaluation images: the realized coverage scatters by a few points around the target.
            assertThat(m.measuredCoverage()).as("coverage at " + m.coverage()).isCloseTo(m.coverage(), within(0.06));
        }
    }

    @Test
    @Tag("data")
    @Tag("slow")
    void intervalsAndHeatmapsOnHeldOutRadiographs(@TempDir Path out) throws IOException {
        Path data = SharedData.require("data/rsna-299");
        UncertaintyCalibration calibration = shippedCalibration();
        RsnaDataset dataset = RsnaDataset.builder().setFolder(data).build();
        List<String> ids = DatasetSplit.readIds(BUNDLE.resolve("held-out-ids.txt")).stream().sorted().limit(1)
                .toList();
        ImageDecoder decoder = ImageDecoder.create();
        try (DjlBoneAgeEstimator model = DjlBoneAgeEstimator.builder().setBundle(BUNDLE).build()) {
            UncertaintyEstimator uncertain = UncertaintyEstimator.builder().setEstimator(model)
                    .setCalibration(calibration).build();
            OcclusionSensitivity explainer = OcclusionSensitivity.builder().setEstimator(model)
                    .optPatchFraction(0.3).build();
            for (String id : ids) {
                Sample s = dataset.sample(id).orElseThrow();
                EstimationRequest request = EstimationRequest.builder().setImage(decoder.decode(s.image()))
                        .optSourceId(id).optSex(s.sex()).build();
                IntervalEstimate e = uncertain.estimate(request);
                assertThat(e.lowerMonths()).isLessThan(e.months());
                assertThat(e.upperMonths()).isGreaterThan(e.months());
                assertThat(e.tta().augmentedMonths()).hasSize(uncertain.passesPerImage());
                assertThat(e.tta().spreadMonths()).isPositive().isLessThan(24);

                OcclusionHeatmap map = explainer.explain(request, e.tta().identity());
                assertThat(map.roi()).isEqualTo(e.estimate().roi());
                assertThat(e.estimate().roiScheme()).isEqualTo(RoiScheme.WHOLE);
                assertThat(map.forwardPasses()).isEqualTo(explainer.forwardPassesFor(map.roi()));
                assertThat(map.maxChangeMonths()).isPositive();
                Path png = out.resolve(id + ".png");
                HeatmapRenderer.builder().build().writePng(request.image(), map, png);
                assertThat(png).isNotEmptyFile();
            }
        }
    }
}
