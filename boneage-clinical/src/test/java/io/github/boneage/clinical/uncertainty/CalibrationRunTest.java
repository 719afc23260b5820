package io.github.boneage.clinical.uncertainty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Sex;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.image.GreyImage8;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link CalibrationRun}: halves, coverage measured on the half it was not fitted on, failures left out. */
class CalibrationRunTest {

    private static final GreyImage8 IMAGE = new GreyImage8(16, 16);

    private static List<Sample> samples(NoisyFakeEstimator fake, int count) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "img" + i;
            double truth = 20 + (i * 37) % 200;
            fake.register(id, truth, 0.5 + (i % 5) * 0.3);
            out.add(new Sample(id, truth, i % 2 == 0 ? Sex.MALE : Sex.FEMALE, Path.of(id + ".png"), "labels.csv", i + 2, null));
        }
        return out;
    }

    private static EstimationRequest request(Sample s) {
        if (s.id().equals("img7")) {
            throw new BoneAgeException(s.image() + ": not an image (on purpose)");
        }
        return EstimationRequest.builder().setImage(IMAGE).optSourceId(s.id()).optSex(s.sex()).build();
    }

    @Test
    void fitsOnOneHalfAndMeasuresOnTheOther() {
        NoisyFakeEstimator fake = new NoisyFakeEstimator(8, 3, "img3");
        TtaPredictor predictor = TtaPredictor.builder().setEstimator(fake).build();
        CalibrationRun.Result r = CalibrationRun.builder().setPredictor(predictor).setModel(NoisyFakeEstimator.MODEL)
                .setSamples(samples(fake, 2002)).setRequests(CalibrationRunTest::request).optDataName("fake set").build().run();

        // img3 fails in the estimator, img7 in reading: both are reported and the other 2,000 used.
        assertThat(r.failures()).containsOnlyKeys("img3", "img7");
        assertThat(r.calibrationIds()).hasSize(1000);
        assertThat(r.evaluationIds()).hasSize(1000);
        Set<String> both = new HashSet<>(r.calibrationIds());
        both.retainAll(r.evaluationIds());
        assertThat(both).isEmpty();
        UncertaintyCalibration c = r.calibration();
        assertThat(c.n()).isEqualTo(1000);
        assertThat(c.data()).startsWith("fake set: 1000 of 2000 usable images").contains("seed " + CalibrationRun.DEFAULT_SEED);
        assertThat(c.evaluation().n()).isEqualTo(1000);
        for (CoverageMeasurement m : c.evaluation().measurements()) {
            // Exchangeable halves: the measured coverage is near the target (SD of fitting plus checking about 0.018 at 1,000 each).
            assertThat(m.measuredCoverage()).as("coverage at %s", m.coverage()).isBetween(m.coverage() - 0.05, m.coverage() + 0.05);
        }
        assertThat(r.evaluationMadMonths()).isPositive();
    }

    @Test
    void theSameSeedGivesTheSameHalves() {
        NoisyFakeEstimator fake = new NoisyFakeEstimator(8, 3, null);
        List<Sample> samples = samples(fake, 60);
        TtaPredictor predictor = TtaPredictor.builder().setEstimator(fake).build();
        CalibrationRun.Builder b = CalibrationRun.builder().setPredictor(predictor).setModel(NoisyFakeEstimator.MODEL)
                .setSamples(samples).setRequests(CalibrationRunTest::request).optCoverages(0.8);
        assertThat(b.build().run().calibrationIds()).isEqualTo(b.build().run().calibrationIds());
        assertThat(b.optSeed(5).build().run().calibrationIds()).isNotEqualTo(b.optSeed(6).build().run().calibrationIds());
    }

    @Test
    void tooFewUsableImagesIsATypedError() {
        NoisyFakeEstimator fake = new NoisyFakeEstimator(8, 3, null);
        List<Sample> samples = samples(fake, 3);
        TtaPredictor predictor = TtaPredictor.builder().setEstimator(fake).build();
        assertThatThrownBy(() -> CalibrationRun.builder().setPredictor(predictor).setModel(NoisyFakeEstimator.MODEL)
                .setSamples(samples).setRequests(CalibrationRunTest::request).build().run())
                .isInstanceOf(BoneAgeException.class).hasMessageContaining("at least 4 usable").hasMessageContaining("got 3 of 3");
    }

    @Test
    void minimumFittingImagesMatchesTheCalibratorsRank() {
        assertThat(CalibrationRun.minimumFittingImages(0.5)).isEqualTo(1);
        assertThat(CalibrationRun.minimumFittingImages(0.8)).isEqualTo(4);
        assertThat(CalibrationRun.minimumFittingImages(0.9)).isEqualTo(9);
        assertThat(CalibrationRun.minimumFittingImages(0.95)).isEqualTo(19);
        assertThatThrownBy(() -> CalibrationRun.minimumFittingImages(1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
