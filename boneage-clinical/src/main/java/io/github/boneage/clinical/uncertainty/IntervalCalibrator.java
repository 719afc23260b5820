package io.github.boneage.clinical.uncertainty;

import io.github.boneage.core.ModelInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Fits an {@link UncertaintyCalibration} by split conformal prediction, and measures one on other labelled images.
 *
 * <p>For target coverage {@code c} and {@code n} calibration scores, {@code q} is the {@code ⌈(n+1)c⌉}-th smallest
 * score: for a new image exchangeable with the calibration images, {@code P(truth inside) >= c}. That needs
 * {@code n >= c/(1-c)} images (9 for 90%, 19 for 95%); in practice a few hundred keep the realized coverage within a
 * few points of the target.
 */
public final class IntervalCalibrator {

    private final CalibratedModel model;
    private final TestTimeAugmentation policy;
    private final IntervalMethod method;
    private final double minSpreadMonths;
    private final double[] coverages;
    private final String data;
    private final Instant createdAt;

    private IntervalCalibrator(Builder b) {
        this.model = Objects.requireNonNull(b.model, "model is required (setModel)");
        this.policy = Objects.requireNonNull(b.policy, "policy is required (setPolicy)");
        this.method = b.method;
        this.minSpreadMonths = b.minSpreadMonths;
        this.coverages = b.coverages;
        this.data = b.data;
        this.createdAt = b.createdAt;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param samples the calibration images' results (held out from training, not used for evaluation)
     * @return the calibration
     * @throws IllegalArgumentException when there are too few samples for a requested coverage
     */
    public UncertaintyCalibration fit(List<CalibrationSample> samples) {
        double[] scores = new double[samples.size()];
        for (int i = 0; i < scores.length; i++) {
            CalibrationSample s = samples.get(i);
            scores[i] = Math.abs(s.truthMonths() - s.pointMonths()) / method.scale(s.spreadMonths(), minSpreadMonths);
        }
        Arrays.sort(scores);
        int n = scores.length;
        List<CalibrationLevel> levels = new ArrayList<>();
        for (double c : coverages) {
            // The small tolerance keeps a product like 100 * 0.9 from rounding up to the next rank.
            int rank = (int) Math.ceil((n + 1) * c - 1e-9);
            if (rank > n) {
                throw new IllegalArgumentException("coverage " + c + " needs at least "
                        + (int) Math.ceil(c / (1 - c) - 1e-9) + " calibration samples, got " + n);
            }
            levels.add(new CalibrationLevel(c, scores[rank - 1]));
        }
        return new UncertaintyCalibration(UncertaintyCalibration.FORMAT_VERSION, model, method, minSpreadMonths, policy,
                n, data, createdAt.toString(), levels, null);
    }

    /**
     * @param calibration a calibration
     * @param samples     labelled results it was not fitted on
     * @return the measured coverage and mean width per calibrated level
     * @throws IllegalArgumentException if there are no samples
     */
    public static List<CoverageMeasurement> evaluate(UncertaintyCalibration calibration, List<CalibrationSample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to evaluate the calibration on");
        }
        List<CoverageMeasurement> out = new ArrayList<>();
        for (CalibrationLevel level : calibration.levels()) {
            int inside = 0;
            double width = 0;
            for (CalibrationSample s : samples) {
                double[] iv = calibration.interval(s.pointMonths(), s.spreadMonths(), level.coverage());
                if (s.truthMonths() >= iv[0] && s.truthMonths() <= iv[1]) {
                    inside++;
                }
                width += iv[1] - iv[0];
            }
            out.add(new CoverageMeasurement(level.coverage(), (double) inside / samples.size(), width / samples.size()));
        }
        return out;
    }

    /** Builder: {@code setX} for required fields, {@code optX} for optional ones. */
    public static final class Builder {
        private CalibratedModel model;
        private TestTimeAugmentation policy;
        private IntervalMethod method = IntervalMethod.ABSOLUTE;
        private double minSpreadMonths = 1;
        private double[] coverages = {0.8, 0.9, 0.95};
        private String data = "unspecified";
        private Instant createdAt = Instant.now();

        private Builder() {
        }

        /**
         * @param model the model the calibration samples were predicted by
         * @return this builder, with the model the samples were predicted by (required)
         */
        public Builder setModel(ModelInfo model) {
            this.model = CalibratedModel.of(model);
            return this;
        }

        /**
         * @param policy the test-time augmentation policy the samples were predicted with
         * @return this builder, with the TTA policy the samples were predicted with (required)
         */
        public Builder setPolicy(TestTimeAugmentation policy) {
            this.policy = policy;
            return this;
        }

        /**
         * @param method the interval rule
         * @return this builder, with the interval rule (default {@link IntervalMethod#ABSOLUTE})
         */
        public Builder optMethod(IntervalMethod method) {
            this.method = Objects.requireNonNull(method);
            return this;
        }

        /**
         * @param months the smallest spread {@link IntervalMethod#SCALED} divides by, in months
         * @return this builder, with the spread floor of {@link IntervalMethod#SCALED} in months (default 1)
         */
        public Builder optMinSpreadMonths(double months) {
            if (!(months > 0) || Double.isInfinite(months)) {
                throw new IllegalArgumentException("minimum spread must be finite and > 0 months, got " + months);
            }
            this.minSpreadMonths = months;
            return this;
        }

        /**
         * @param coverages the target coverages, each in (0, 1)
         * @return this builder, with the target coverages (default 0.8, 0.9, 0.95), each in (0, 1)
         */
        public Builder optCoverages(double... coverages) {
            if (coverages.length == 0) {
                throw new IllegalArgumentException("at least one target coverage is needed");
            }
            double[] sorted = coverages.clone();
            Arrays.sort(sorted);
            for (double c : sorted) {
                if (!(c > 0 && c < 1)) {
                    throw new IllegalArgumentException("target coverage must be in (0, 1), got " + c);
                }
            }
            this.coverages = sorted;
            return this;
        }

        /**
         * @param data a description of the calibration images (e.g. which split of which dataset)
         * @return this builder, with a description of the calibration images for the JSON
         */
        public Builder optData(String data) {
            this.data = Objects.requireNonNull(data);
            return this;
        }

        /**
         * @param createdAt the creation time to record
         * @return this builder, with the recorded creation time (default now)
         */
        public Builder optCreatedAt(Instant createdAt) {
            this.createdAt = Objects.requireNonNull(createdAt);
            return this;
        }

        /** @return the calibrator */
        public IntervalCalibrator build() {
            return new IntervalCalibrator(this);
        }
    }
}
