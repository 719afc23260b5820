package io.github.boneage.clinical.uncertainty;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.dataset.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;

/**
 * Fits a model's uncertainty interval on labelled images that played no part in its training, and measures it
 * honestly: the images are sorted by id, shuffled with a fixed seed and split in half; the interval is fitted
 * ({@link IntervalCalibrator}) on the first half and its coverage and width measured on the second, and the
 * measurement is attached to the calibration ({@link UncertaintyCalibration#withEvaluation}).
 *
 * <p>Every image goes through the {@link TtaPredictor} once. An image that cannot be read or estimated is left out and
 * reported in {@link Result#failures()}; the others go on.
 *
 * <pre>{@code
 * CalibrationRun.Result r = CalibrationRun.builder()
 *         .setPredictor(TtaPredictor.builder().setEstimator(estimator).build())
 *         .setModel(estimator.model())
 *         .setSamples(heldOutSamples)
 *         .setRequests(s -> EstimationRequest.builder().setImage(decoder.decode(s.image())).optSourceId(s.id())
 *                 .optSex(s.sex()).build())
 *         .build()
 *         .run();
 * r.calibration().write(UncertaintyCalibration.fileFor(bundle));
 * }</pre>
 */
public final class CalibrationRun {

    /** The seed of the calibration/evaluation halves unless another is given. */
    public static final long DEFAULT_SEED = 20261122L;

    private final TtaPredictor predictor;
    private final ModelInfo model;
    private final List<Sample> samples;
    private final Function<Sample, EstimationRequest> requests;
    private final long seed;
    private final IntervalMethod method;
    private final double[] coverages;
    private final String dataName;
    private final int chunk;
    private final Instant createdAt;

    private CalibrationRun(Builder b) {
        this.predictor = b.predictor;
        this.model = b.model;
        this.samples = List.copyOf(b.samples);
        this.requests = b.requests;
        this.seed = b.seed;
        this.method = b.method;
        this.coverages = b.coverages.clone();
        this.dataName = b.dataName;
        this.chunk = b.chunk;
        this.createdAt = b.createdAt;
    }

    /**
     * The fewest fitting images a conformal level of this coverage can be fitted on ({@link IntervalCalibrator} takes
     * the {@code ceil((n + 1) * coverage)}-th smallest score, which must exist).
     *
     * @param coverage a target coverage in (0, 1)
     * @return the smallest {@code n} with {@code ceil((n + 1) * coverage) <= n}
     * @throws IllegalArgumentException for a coverage outside (0, 1)
     */
    public static int minimumFittingImages(double coverage) {
        if (!(coverage > 0 && coverage < 1)) {
            throw new IllegalArgumentException("coverage must be in (0, 1), got " + coverage);
        }
        int n = 1;
        while (Math.ceil((n + 1) * coverage - 1e-9) > n) {
            n++;
        }
        return n;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The result of a run.
     *
     * @param calibration      the fitted calibration, with its measurement on the evaluation half attached
     * @param calibrationIds   the ids it was fitted on
     * @param evaluationIds    the ids its coverage was measured on
     * @param predictions      every estimated image's TTA prediction, by id
     * @param failures         images left out, id to reason
     * @param evaluationMadMonths the mean absolute error of the TTA point estimate on the evaluation half
     */
    public record Result(UncertaintyCalibration calibration, List<String> calibrationIds, List<String> evaluationIds,
            Map<String, TtaPrediction> predictions, Map<String, String> failures, double evaluationMadMonths) {

        /**
         * @param calibration the fitted calibration, with its measurement on the evaluation half attached
         * @param calibrationIds the ids it was fitted on
         * @param evaluationIds the ids its coverage was measured on
         * @param predictions every estimated image's TTA prediction, by id
         * @param failures images left out, id to reason
         * @param evaluationMadMonths the mean absolute error of the TTA point estimate on the evaluation half
         */
        public Result {
            calibrationIds = List.copyOf(calibrationIds);
            evaluationIds = List.copyOf(evaluationIds);
            predictions = Collections.unmodifiableMap(new LinkedHashMap<>(predictions));
            failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
        }
    }

    /**
     * Predicts every image, splits the usable ones in halves, fits on the first and measures on the second.
     *
     * @return the result
     * @throws BoneAgeException when fewer than 4 images could be estimated (2 per half at least), naming the count and
     *                          the first failure
     */
    public Result run() {
        Map<String, Sample> byId = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (byId.put(s.id(), s) != null) {
                throw new BoneAgeException("calibration image id " + s.id() + " appears twice");
            }
        }
        Map<String, TtaPrediction> predictions = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        List<Sample> sorted = new ArrayList<>(byId.values());
        sorted.sort((a, b) -> a.id().compareTo(b.id()));
        for (int i = 0; i < sorted.size(); i += chunk) {
            List<EstimationRequest> batch = new ArrayList<>();
            for (Sample s : sorted.subList(i, Math.min(sorted.size(), i + chunk))) {
                try {
                    EstimationRequest r = requests.apply(s);
                    if (!s.id().equals(r.sourceId())) {
                        // The outcomes are matched to labels by source id; a loader that drops it is a programming error.
                        throw new IllegalStateException("the request for image " + s.id() + " has source id " + r.sourceId()
                                + "; set optSourceId(sample.id())");
                    }
                    batch.add(r);
                } catch (BoneAgeException | java.io.UncheckedIOException e) {
                    failures.put(s.id(), e.getMessage());
                }
            }
            for (ItemOutcome<TtaPrediction> o : predictor.predictBatch(batch)) {
                if (o.isSuccess()) {
                    predictions.put(o.sourceId(), o.orElseThrow());
                } else {
                    failures.put(o.sourceId(), o.error().map(Throwable::getMessage).orElse("unknown failure"));
                }
            }
        }
        List<String> ids = new ArrayList<>(predictions.keySet());
        Collections.sort(ids);
        if (ids.size() < 4) {
            String first = failures.isEmpty() ? "" : "; first failure: " + failures.entrySet().iterator().next();
            throw new BoneAgeException("uncertainty calibration needs at least 4 usable labelled images (2 to fit, 2 to check),"
                    + " got " + ids.size() + " of " + samples.size() + first);
        }
        Collections.shuffle(ids, new Random(seed));
        int half = ids.size() / 2;
        List<String> calibrationIds = ids.subList(0, half);
        List<String> evaluationIds = ids.subList(half, ids.size());
        List<CalibrationSample> cal = calibrationSamples(calibrationIds, byId, predictions);
        List<CalibrationSample> eval = calibrationSamples(evaluationIds, byId, predictions);
        String data = String.format(Locale.ROOT, "%s: %d of %d usable images (sorted by id, shuffled with seed %d), first half",
                dataName, cal.size(), ids.size(), seed);
        IntervalCalibrator.Builder calibrator = IntervalCalibrator.builder().setModel(model).setPolicy(predictor.policy())
                .optMethod(method).optCoverages(coverages).optData(data);
        if (createdAt != null) {
            calibrator.optCreatedAt(createdAt);
        }
        UncertaintyCalibration fitted = calibrator.build().fit(cal);
        List<CoverageMeasurement> measured = IntervalCalibrator.evaluate(fitted, eval);
        UncertaintyCalibration calibration = fitted.withEvaluation(new CalibrationEvaluation(String.format(Locale.ROOT,
                "%s: the other %d usable images (second half)", dataName, eval.size()), eval.size(), measured));
        double mad = eval.stream().mapToDouble(s -> Math.abs(s.truthMonths() - s.pointMonths())).average().orElse(Double.NaN);
        return new Result(calibration, calibrationIds, evaluationIds, predictions, failures, mad);
    }

    private static List<CalibrationSample> calibrationSamples(List<String> ids, Map<String, Sample> byId,
            Map<String, TtaPrediction> predictions) {
        List<CalibrationSample> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            out.add(CalibrationSample.of(id, byId.get(id).boneAgeMonths(), predictions.get(id)));
        }
        return out;
    }

    /** Builder: {@code setX} for required fields, {@code optX} for optional ones. */
    public static final class Builder {
        private TtaPredictor predictor;
        private ModelInfo model;
        private List<Sample> samples;
        private Function<Sample, EstimationRequest> requests;
        private long seed = DEFAULT_SEED;
        private IntervalMethod method = IntervalMethod.ABSOLUTE;
        private double[] coverages = {0.8, 0.9, 0.95};
        private String dataName = "calibration images";
        private int chunk = 16;
        private Instant createdAt;

        private Builder() {
        }

        /**
         * @param predictor the TTA predictor (the model's estimator and the augmentation policy)
         * @return this builder
         */
        public Builder setPredictor(TtaPredictor predictor) {
            this.predictor = Objects.requireNonNull(predictor, "predictor");
            return this;
        }

        /**
         * @param model the model the predictor runs (its name and weights' digest are recorded)
         * @return this builder
         */
        public Builder setModel(ModelInfo model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * @param samples labelled images that played no part in the model's training or selection
         * @return this builder
         */
        public Builder setSamples(List<Sample> samples) {
            this.samples = Objects.requireNonNull(samples, "samples");
            return this;
        }

        /**
         * @param requests reads one sample's image into a request (with its sex); a {@link BoneAgeException} or
         *                 {@link java.io.UncheckedIOException} it throws leaves that image out, reported
         * @return this builder
         */
        public Builder setRequests(Function<Sample, EstimationRequest> requests) {
            this.requests = Objects.requireNonNull(requests, "requests");
            return this;
        }

        /**
         * @param seed the seed of the shuffle that splits the images in halves (default {@value #DEFAULT_SEED})
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param method the interval rule (default {@link IntervalMethod#ABSOLUTE})
         * @return this builder
         */
        public Builder optMethod(IntervalMethod method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /**
         * @param coverages the target coverages (default 0.8, 0.9, 0.95)
         * @return this builder
         */
        public Builder optCoverages(double... coverages) {
            this.coverages = coverages.clone();
            return this;
        }

        /**
         * @param name what the images are, for the calibration's {@code data} fields (e.g. dataset, id list, versions)
         * @return this builder
         */
        public Builder optDataName(String name) {
            this.dataName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param images images per {@link TtaPredictor#predictBatch} call (default 16)
         * @return this builder
         * @throws IllegalArgumentException when below 1
         */
        public Builder optChunk(int images) {
            if (images < 1) {
                throw new IllegalArgumentException("chunk must be >= 1, got " + images);
            }
            this.chunk = images;
            return this;
        }

        /**
         * @param createdAt the time to record (default: when fitted)
         * @return this builder
         */
        public Builder optCreatedAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /**
         * @return the run
         * @throws NullPointerException naming a missing required field
         */
        public CalibrationRun build() {
            Objects.requireNonNull(predictor, "predictor is required (setPredictor)");
            Objects.requireNonNull(model, "model is required (setModel)");
            Objects.requireNonNull(samples, "samples are required (setSamples)");
            Objects.requireNonNull(requests, "requests are required (setRequests)");
            return new CalibrationRun(this);
        }
    }
}
