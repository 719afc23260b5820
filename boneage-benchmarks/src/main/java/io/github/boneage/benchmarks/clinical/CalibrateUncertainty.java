package io.github.boneage.benchmarks.clinical;

import io.github.boneage.clinical.uncertainty.Aggregation;
import io.github.boneage.clinical.uncertainty.CalibrationEvaluation;
import io.github.boneage.clinical.uncertainty.CalibrationRun;
import io.github.boneage.clinical.uncertainty.CalibrationSample;
import io.github.boneage.clinical.uncertainty.CoverageMeasurement;
import io.github.boneage.clinical.uncertainty.IntervalCalibrator;
import io.github.boneage.clinical.uncertainty.IntervalMethod;
import io.github.boneage.clinical.uncertainty.TestTimeAugmentation;
import io.github.boneage.clinical.uncertainty.TtaPrediction;
import io.github.boneage.clinical.uncertainty.TtaPredictor;
import io.github.boneage.clinical.uncertainty.UncertaintyCalibration;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Calibrates the uncertainty interval of a model bundle on its held-out RSNA images and measures it honestly: the
 * held-out ids (never trained on) are shuffled with a fixed seed and split in half; the interval is fitted on the
 * first half and its coverage and width measured on the second. Writes the calibration, with the measurement
 * attached, as {@code uncertainty-calibration.json} in the bundle folder, and every image's TTA predictions as CSV
 * (numbers only, no pixels). Re-run it whenever the model is retrained: a calibration is tied to the weights' digest.
 *
 * <pre>
 * java -Dai.djl.pytorch.num_threads=2 -cp boneage-benchmarks/target/classes:$(cat cp.txt) \
 *     io.github.boneage.benchmarks.clinical.CalibrateUncertainty --bundle models/default \
 *     --data ../shared/data/rsna-299 [--ids models/default/held-out-ids.txt] [--seed 20261122] [--limit 200] \
 *     [--method absolute|scaled] [--coverages 0.8,0.9,0.95] [--rotation 5] [--shift 0.04] [--mirror false] \
 *     [--out models/default/uncertainty-calibration.json] [--predictions target/uncertainty/predictions.csv]
 * </pre>
 */
public final class CalibrateUncertainty {

    private static final Map<Double, Double> NORMAL_QUANTILES = Map.of(0.8, 1.2816, 0.9, 1.6449, 0.95, 1.9600);

    private CalibrateUncertainty() {
    }

    /**
     * @param args {@code --name value} pairs, see the class comment
     * @throws Exception on any failure (a tool: it stops)
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path bundle = Path.of(a.getOrDefault("bundle", "models/default"));
        Path data = Path.of(a.getOrDefault("data", "../shared/data/rsna-299"));
        Path idsFile = Path.of(a.getOrDefault("ids", bundle.resolve("held-out-ids.txt").toString()));
        long seed = Long.parseLong(a.getOrDefault("seed", "20261122"));
        int limit = Integer.parseInt(a.getOrDefault("limit", "0"));
        IntervalMethod method = IntervalMethod.valueOf(a.getOrDefault("method", "absolute").toUpperCase(Locale.ROOT));
        double[] coverages = java.util.Arrays.stream(a.getOrDefault("coverages", "0.8,0.9,0.95").split(","))
                .mapToDouble(Double::parseDouble).toArray();
        TestTimeAugmentation policy = TestTimeAugmentation.builder()
                .optRotations(-Double.parseDouble(a.getOrDefault("rotation", "5")),
                        Double.parseDouble(a.getOrDefault("rotation", "5")))
                .optShiftFraction(Double.parseDouble(a.getOrDefault("shift", "0.04")))
                .optMirror(Boolean.parseBoolean(a.getOrDefault("mirror", "false")))
                .build();
        Path out = Path.of(a.getOrDefault("out", UncertaintyCalibration.fileFor(bundle).toString()));
        Path predictionsCsv = Path.of(a.getOrDefault("predictions", "target/uncertainty/tta-predictions.csv"));

        RsnaDataset dataset = RsnaDataset.builder().setFolder(data).build();
        List<String> ids = Files.readAllLines(idsFile, StandardCharsets.UTF_8).stream().map(String::trim)
                .filter(s -> !s.isEmpty()).sorted().collect(Collectors.toCollection(ArrayList::new));
        Collections.shuffle(ids, new Random(seed));
        if (limit > 0 && limit < ids.size()) {
            ids = new ArrayList<>(ids.subList(0, limit));
        }
        System.out.printf(Locale.ROOT, "%s: %d held-out ids from %s, seed %d; TTA %d passes/image%n", dataset.describe(),
                ids.size(), idsFile, seed, policy.passesPerImage());

        ImageDecoder decoder = ImageDecoder.create();
        Map<String, TtaPrediction> predictions;
        List<String> calibrationIds;
        List<String> evaluationIds;
        String modelName;
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            modelName = estimator.model().name();
            TtaPredictor predictor = TtaPredictor.builder().setEstimator(estimator).optPolicy(policy).build();
            List<Sample> chosen = new ArrayList<>();
            for (String id : ids) {
                chosen.add(dataset.sample(id).orElseThrow(() -> new IllegalArgumentException(
                        "held-out id " + id + " is not in " + dataset.name())));
            }
            long start = System.nanoTime();
            // The library's run: the same sorted, seeded shuffle and halves this tool used before it existed.
            CalibrationRun.Result run = CalibrationRun.builder()
                    .setPredictor(predictor)
                    .setModel(estimator.model())
                    .setSamples(chosen)
                    .setRequests(s -> EstimationRequest.builder().setImage(decoder.decode(s.image())).optSourceId(s.id())
                            .optSex(s.sex()).build())
                    .optSeed(seed)
                    .optMethod(method)
                    .optCoverages(coverages)
                    .optDataName(dataset.name() + " ids from " + idsFile.getFileName())
                    .build()
                    .run();
            if (!run.failures().isEmpty()) {
                throw new IllegalStateException("images failed: " + run.failures());
            }
            System.out.printf(Locale.ROOT, "%d images, %.1f images/s%n", ids.size(), ids.size() / ((System.nanoTime() - start) / 1e9));
            predictions = run.predictions();
            calibrationIds = run.calibrationIds();
            evaluationIds = run.evaluationIds();
            ids = new ArrayList<>(calibrationIds);
            ids.addAll(evaluationIds);
            UncertaintyCalibration calibration = null;
            List<CalibrationSample> cal = samples(calibrationIds, dataset, predictions);
            List<CalibrationSample> eval = samples(evaluationIds, dataset, predictions);
            String description = String.format(Locale.ROOT, "%s: the first %d of %d ids used from %s (sorted, shuffled "
                    + "with seed %d)", dataset.name(), cal.size(), ids.size(), idsFile.getFileName(), seed);
            System.out.printf(Locale.ROOT, "%nEvaluation half (n=%d): MAD unaugmented %.2f, TTA %s %.2f, TTA %s %.2f; "
                    + "mean TTA spread %.2f months%n", eval.size(), madIdentity(evaluationIds, dataset, predictions),
                    policy.aggregation().name().toLowerCase(Locale.ROOT), mad(eval),
                    other(policy.aggregation()).name().toLowerCase(Locale.ROOT),
                    madAggregated(evaluationIds, dataset, predictions, other(policy.aggregation())),
                    eval.stream().mapToDouble(CalibrationSample::spreadMonths).average().orElse(0));
            System.out.println("| interval | target | measured coverage | mean width (months) |");
            System.out.println("|---|---|---|---|");
            for (IntervalMethod m : IntervalMethod.values()) {
                UncertaintyCalibration c = IntervalCalibrator.builder().setModel(estimator.model()).setPolicy(policy)
                        .optMethod(m).optCoverages(coverages).optData(description).build().fit(cal);
                List<CoverageMeasurement> measured = IntervalCalibrator.evaluate(c, eval);
                for (CoverageMeasurement cm : measured) {
                    System.out.printf(Locale.ROOT, "| conformal %s (q=%.3f) | %.2f | %.3f | %.1f |%n", m.name().toLowerCase(Locale.ROOT),
                            c.level(cm.coverage()).q(), cm.coverage(), cm.measuredCoverage(), cm.meanWidthMonths());
                }
                if (m == method) {
                    calibration = c.withEvaluation(new CalibrationEvaluation(String.format(Locale.ROOT,
                            "%s: the other %d ids used from %s (second half)", dataset.name(), eval.size(),
                            idsFile.getFileName()), eval.size(), measured));
                }
            }
            for (double c : coverages) {
                Double z = NORMAL_QUANTILES.get(c);
                if (z == null) {
                    continue;
                }
                long inside = eval.stream().filter(s -> Math.abs(s.truthMonths() - s.pointMonths()) <= z * s.spreadMonths()).count();
                double width = eval.stream().mapToDouble(s -> 2 * z * s.spreadMonths()).average().orElse(0);
                System.out.printf(Locale.ROOT, "| uncalibrated point ± %.3f·TTA SD | %.2f | %.3f | %.1f |%n", z, c,
                        (double) inside / eval.size(), width);
            }
            printBreakdown(calibration, eval, dataset);
            calibration.write(out);
            System.out.println("\nwrote " + out + " (" + method.name().toLowerCase(Locale.ROOT) + ", model " + modelName + ")");
        }
        writePredictions(predictionsCsv, ids, calibrationIds.size(), dataset, predictions);
        System.out.println("wrote " + predictionsCsv);
    }

    /** Coverage is only guaranteed on average over images: show how it holds per sex and age band. */
    private static void printBreakdown(UncertaintyCalibration calibration, List<CalibrationSample> eval, RsnaDataset dataset) {
        double target = calibration.levels().stream().mapToDouble(l -> l.coverage())
                .filter(c -> Math.abs(c - 0.9) < 1e-9).findFirst().orElse(calibration.levels().get(0).coverage());
        Map<String, List<CalibrationSample>> groups = new java.util.LinkedHashMap<>();
        for (CalibrationSample s : eval) {
            groups.computeIfAbsent("sex " + dataset.sample(s.id()).orElseThrow().sex().label(), k -> new ArrayList<>()).add(s);
        }
        int[] bands = {0, 60, 120, 180, 240};
        for (int b = 0; b + 1 < bands.length; b++) {
            int lo = bands[b];
            int hi = bands[b + 1];
            String key = String.format(Locale.ROOT, "age %d-%d months", lo, hi);
            for (CalibrationSample s : eval) {
                if (s.truthMonths() >= lo && (s.truthMonths() < hi || b + 2 == bands.length)) {
                    groups.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nCoverage of the written calibration at %.2f on the evaluation half, by group:%n", target);
        System.out.println("| group | n | measured coverage | MAD (months) |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, List<CalibrationSample>> g : groups.entrySet()) {
            CoverageMeasurement m = IntervalCalibrator.evaluate(calibration, g.getValue()).stream()
                    .filter(x -> Math.abs(x.coverage() - target) < 1e-9).findFirst().orElseThrow();
            System.out.printf(Locale.ROOT, "| %s | %d | %.3f | %.2f |%n", g.getKey(), g.getValue().size(),
                    m.measuredCoverage(), mad(g.getValue()));
        }
    }

    private static List<CalibrationSample> samples(List<String> ids, RsnaDataset dataset, Map<String, TtaPrediction> p) {
        List<CalibrationSample> out = new ArrayList<>();
        for (String id : ids) {
            out.add(CalibrationSample.of(id, dataset.sample(id).orElseThrow().boneAgeMonths(), p.get(id)));
        }
        return out;
    }

    private static double mad(List<CalibrationSample> samples) {
        return samples.stream().mapToDouble(s -> Math.abs(s.truthMonths() - s.pointMonths())).average().orElse(0);
    }

    private static Aggregation other(Aggregation a) {
        return a == Aggregation.MEDIAN ? Aggregation.MEAN : Aggregation.MEDIAN;
    }

    private static double madAggregated(List<String> ids, RsnaDataset dataset, Map<String, TtaPrediction> p,
                                        Aggregation aggregation) {
        return ids.stream().mapToDouble(id -> Math.abs(dataset.sample(id).orElseThrow().boneAgeMonths() - aggregation
                .aggregate(p.get(id).augmentedMonths().stream().mapToDouble(Double::doubleValue).toArray())))
                .average().orElse(0);
    }

    private static double madIdentity(List<String> ids, RsnaDataset dataset, Map<String, TtaPrediction> p) {
        return ids.stream().mapToDouble(id -> Math.abs(dataset.sample(id).orElseThrow().boneAgeMonths()
                - p.get(id).identity().months())).average().orElse(0);
    }

    private static void writePredictions(Path file, List<String> ids, int half, RsnaDataset dataset,
                                         Map<String, TtaPrediction> predictions) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println("id,split,sex,truth,identity,point,spread,augmented");
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                Sample s = dataset.sample(id).orElseThrow();
                TtaPrediction p = predictions.get(id);
                w.printf(Locale.ROOT, "%s,%s,%s,%.1f,%.3f,%.3f,%.3f,%s%n", id, i < half ? "calibration" : "evaluation",
                        s.sex().label(), s.boneAgeMonths(), p.identity().months(), p.pointMonths(), p.spreadMonths(),
                        p.augmentedMonths().stream().map(v -> String.format(Locale.ROOT, "%.3f", v))
                                .collect(Collectors.joining(";")));
            }
        }
    }
}
