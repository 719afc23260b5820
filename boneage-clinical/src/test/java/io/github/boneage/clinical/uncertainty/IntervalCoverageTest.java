package io.github.boneage.clinical.uncertainty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.core.image.GreyImage8;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Calibrated intervals reach their target coverage on fresh samples from an estimator with known noise. */
class IntervalCoverageTest {

    private static final GreyImage8 IMAGE = new GreyImage8(16, 16);

    private static List<CalibrationSample> samples(NoisyFakeEstimator fake, TtaPredictor predictor, String prefix,
                                                   int count, long seed) {
        Random r = new Random(seed);
        List<EstimationRequest> requests = new ArrayList<>();
        List<Double> truths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + i;
            double truth = 12 + r.nextDouble() * 200;
            // Difficulty from 0.3 to 3: a tenfold range, so a constant-width interval is clearly not optimal.
            double difficulty = 0.3 * Math.pow(10, r.nextDouble());
            fake.register(id, truth, difficulty);
            truths.add(truth);
            requests.add(EstimationRequest.builder().setImage(IMAGE).optSourceId(id).build());
        }
        List<ItemOutcome<TtaPrediction>> out = predictor.predictBatch(requests);
        List<CalibrationSample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            samples.add(CalibrationSample.of(prefix + i, truths.get(i), out.get(i).orElseThrow()));
        }
        return samples;
    }

    @Test
    void conformalIntervalsReachTheirCoverageWhileTheRawSpreadDoesNot() {
        NoisyFakeEstimator fake = new NoisyFakeEstimator(10, 3, null);
        TestTimeAugmentation policy = TestTimeAugmentation.defaults();
        TtaPredictor predictor = TtaPredictor.builder().setEstimator(fake).build();
        List<CalibrationSample> calibrationSet = samples(fake, predictor, "cal-", 1000, 3);
        List<CalibrationSample> fresh = samples(fake, predictor, "test-", 3000, 4);

        for (IntervalMethod method : IntervalMethod.values()) {
            UncertaintyCalibration cal = IntervalCalibrator.builder().setModel(fake.model()).setPolicy(policy)
                    .optMethod(method).build().fit(calibrationSet);
            for (CoverageMeasurement m : IntervalCalibrator.evaluate(cal, fresh)) {
                assertThat(m.measuredCoverage()).as(method + " at " + m.coverage())
                        .isBetween(m.coverage() - 0.035, m.coverage() + 0.035);
            }
        }

        // The naive interval point ± 1.645 SD of the augmented predictions misses the per-image bias entirely.
        long inside = fresh.stream()
                .filter(s -> Math.abs(s.truthMonths() - s.pointMonths()) <= 1.645 * s.spreadMonths()).count();
        assertThat((double) inside / fresh.size()).isLessThan(0.6);
    }

    @Test
    void scaledIntervalsAreNarrowerWhenTheSpreadTracksTheError() {
        NoisyFakeEstimator fake = new NoisyFakeEstimator(10, 6, null);
        TtaPredictor predictor = TtaPredictor.builder().setEstimator(fake).build();
        List<CalibrationSample> calibrationSet = samples(fake, predictor, "cal-", 500, 3);
        List<CalibrationSample> fresh = samples(fake, predictor, "test-", 2000, 4);
        IntervalCalibrator.Builder b = IntervalCalibrator.builder().setModel(fake.model())
                .setPolicy(predictor.policy()).optCoverages(0.9);
        double absoluteWidth = IntervalCalibrator.evaluate(b.optMethod(IntervalMethod.ABSOLUTE).build()
                .fit(calibrationSet), fresh).get(0).meanWidthMonths();
        double scaledWidth = IntervalCalibrator.evaluate(b.optMethod(IntervalMethod.SCALED).build()
                .fit(calibrationSet), fresh).get(0).meanWidthMonths();
        assertThat(scaledWidth).isLessThan(absoluteWidth);
    }

    @Test
    void quantileIsTheConformalOrderStatistic() {
        List<CalibrationSample> s = new ArrayList<>();
        for (int i = 1; i <= 99; i++) {
            s.add(new CalibrationSample("s" + i, 100 + i, 100, 0));
        }
        UncertaintyCalibration cal = IntervalCalibrator.builder().setModel(NoisyFakeEstimator.MODEL)
                .setPolicy(TestTimeAugmentation.defaults()).optCoverages(0.9, 0.5).build().fit(s);
        // ceil(100 * 0.9) = 90th smallest of 1..99; ceil(100 * 0.5) = 50th.
        assertThat(cal.level(0.9).q()).isEqualTo(90);
        assertThat(cal.level(0.5).q()).isEqualTo(50);
        assertThat(cal.interval(120, 3, 0.9)).containsExactly(30, 210);
        assertThatThrownBy(() -> IntervalCalibrator.builder().setModel(NoisyFakeEstimator.MODEL)
                .setPolicy(TestTimeAugmentation.defaults()).optCoverages(0.995).build().fit(s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("199 calibration samples");
    }

    @Test
    void estimatorGivesIntervalsAndIsolatesAFailingImage() {
        NoisyFakeEstimator fake = new NoisyFakeEstimator(5, 1, "bad");
        fake.register("good", 100, 1);
        fake.register("bad", 100, 1);
        UncertaintyCalibration cal = new UncertaintyCalibration(1, CalibratedModel.of(fake.model()),
                IntervalMethod.ABSOLUTE, 1, TestTimeAugmentation.defaults(), 10, "test", "2026-01-01T00:00:00Z",
                List.of(new CalibrationLevel(0.9, 12)), null);
        UncertaintyEstimator u = UncertaintyEstimator.builder().setEstimator(fake).setCalibration(cal).build();
        List<ItemOutcome<IntervalEstimate>> out = u.estimateBatch(List.of(
                EstimationRequest.builder().setImage(IMAGE).optSourceId("bad").build(),
                EstimationRequest.builder().setImage(IMAGE).optSourceId("good").build()));
        assertThat(out.get(0).error()).get().extracting(Throwable::getMessage).asString().startsWith("bad:");
        IntervalEstimate e = out.get(1).orElseThrow();
        assertThat(e.upperMonths() - e.months()).isEqualTo(12);
        assertThat(e.months() - e.lowerMonths()).isEqualTo(12);
        assertThat(e.tta().augmentedMonths()).hasSize(u.passesPerImage());
        assertThat(e.coverage()).isEqualTo(0.9);
        assertThatThrownBy(() -> u.estimate(EstimationRequest.builder().setImage(IMAGE).optSourceId("bad").build()))
                .isInstanceOf(BoneAgeException.class);
    }

    @Test
    void calibrationOfAnotherModelIsRefused() {
        NoisyFakeEstimator fake = new NoisyFakeEstimator(5, 1, null);
        UncertaintyCalibration cal = new UncertaintyCalibration(1,
                CalibratedModel.of(new ModelInfo("old", "test", "0ld", ModelProvenance.unknown())),
                IntervalMethod.ABSOLUTE, 1, TestTimeAugmentation.defaults(), 10, "test", "2026-01-01T00:00:00Z",
                List.of(new CalibrationLevel(0.9, 12)), null);
        assertThatThrownBy(() -> UncertaintyEstimator.builder().setEstimator(fake).setCalibration(cal).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("re-run the calibration");
        UncertaintyCalibration ok = new UncertaintyCalibration(1, CalibratedModel.of(fake.model()),
                IntervalMethod.ABSOLUTE, 1, TestTimeAugmentation.defaults(), 10, "test", "2026-01-01T00:00:00Z",
                List.of(new CalibrationLevel(0.9, 12)), null);
        assertThatThrownBy(() -> UncertaintyEstimator.builder().setEstimator(fake).setCalibration(ok)
                .optCoverage(0.95).build()).hasMessageContaining("no level for coverage 0.95");
    }

    @Test
    void aggregationsOfPredictions() {
        assertThat(Aggregation.MEDIAN.aggregate(new double[] {1, 100, 3})).isEqualTo(3);
        assertThat(Aggregation.MEDIAN.aggregate(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Aggregation.MEAN.aggregate(new double[] {1, 2, 6})).isEqualTo(3);
    }
}
