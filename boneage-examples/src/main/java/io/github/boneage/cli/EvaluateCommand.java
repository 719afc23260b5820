package io.github.boneage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.dataset.DatasetProblem;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.metrics.AgeMetrics;
import io.github.boneage.core.metrics.BandMetrics;
import io.github.boneage.core.metrics.MetricsAccumulator;
import io.github.boneage.core.metrics.MetricsReport;
import io.github.boneage.djl.BoneAgeEstimators;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code boneage evaluate}: runs a model over an RSNA-format labelled set and reports MAD, RMSE, largest error, Lin's
 * CCC and the share within 12 months, overall and per sex; optionally writes them as JSON, the predictions as CSV and a
 * scatter and a Bland–Altman plot as PNG. Images that cannot be estimated are listed and the rest still evaluated.
 */
@Command(name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {"Evaluate a model on an RSNA-format labelled set (labels CSV id,boneage,male and a folder of <id>.png/.jpg).",
            "Exit code 3 when some images failed (each listed with its reason); the others are still evaluated."})
final class EvaluateCommand implements Callable<Integer> {

    /** File names written into {@code --plots}. */
    static final String SCATTER_PNG = "predicted-vs-true.png";
    static final String BLAND_ALTMAN_PNG = "bland-altman.png";

    /** Images decoded and estimated together; bounds memory for large sets. */
    private static final int CHUNK = 32;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Folder of <id>.png / <id>.jpg images.")
    Path imagesArgument;

    @Option(names = "--images", paramLabel = "DIR", description = "The image folder, as the DIR argument (kept for old scripts).")
    Path imagesOption;

    @Option(names = "--labels", required = true, paramLabel = "CSV", description = "Labels CSV with columns id,boneage,male.")
    Path labels;

    @Option(names = "--model", paramLabel = "BUNDLE",
            description = "Model bundle folder or zip, or an ensemble bundle folder (default: the shipped default model).")
    Path model;

    @Option(names = "--landmarks", paramLabel = "FILE|auto",
            description = "Landmarks CSV, needed by models that crop ROI1-3; or 'auto' to detect them with the default "
                    + "detector (an image it cannot read fails for an ROI model; an ensemble's whole-image members then "
                    + "estimate it alone). An ensemble is given the detector's points by default.")
    String landmarks;

    @Option(names = "--ids", paramLabel = "FILE",
            description = "Evaluate only the ids listed in FILE, one a line (e.g. models/default/held-out-ids.txt).")
    Path idsFile;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N images (by id).")
    Integer limit;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the metrics and failures as JSON.")
    Path json;

    @Option(names = "--predictions", paramLabel = "CSV", description = "Write id,sex,true,predicted per image.")
    Path predictions;

    @Option(names = "--plots", paramLabel = "DIR",
            description = "Write " + SCATTER_PNG + " and " + BLAND_ALTMAN_PNG + " into DIR (created).")
    Path plots;

    /** One evaluated image. */
    record Prediction(String id, Sex sex, double truth, double predicted) {
    }

    /** One image that could not be evaluated. */
    record Failure(String file, String reason) {
    }

    /**
     * The {@code --ids} that could not be evaluated because the labels have no row for them or the folder no image.
     *
     * @param listed    how many ids the file lists
     * @param noLabel   listed ids without a label, in id order
     * @param noImage   listed ids with a label but no image in the folder, in id order
     */
    record IdsNotFound(int listed, List<String> noLabel, List<String> noImage) {

        /** @return how many listed ids were not found */
        int count() {
            return noLabel.size() + noImage.size();
        }

        /** @return every id not found, in id order */
        List<String> ids() {
            return new ArrayList<>(new java.util.TreeSet<>(java.util.stream.Stream.concat(noLabel.stream(), noImage.stream())
                    .toList()));
        }

        /** @return one line: {@code N of M ids not found (...): a, b, c, d, e and K more} */
        String summary(Path labels, Path images) {
            String shown = Datasets.firstIds(ids());
            return count() + " of " + listed + " ids not found (" + noLabel.size() + " without a label in " + labels + ", "
                    + noImage.size() + " without an image in " + images + "): " + shown;
        }
    }

    @Override
    public Integer call() throws IOException {
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be >= 1, got " + limit);
        }
        if ((imagesArgument == null) == (imagesOption == null)) {
            throw new ParameterException(spec.commandLine(), imagesArgument == null
                    ? "give the image folder: evaluate DIR --labels CSV"
                    : "give the image folder once: as DIR or as --images DIR, not both");
        }
        Path images = imagesArgument != null ? imagesArgument : imagesOption;
        boolean autoLandmarks = "auto".equalsIgnoreCase(landmarks);
        RsnaDataset dataset = Datasets.read(images, labels,
                landmarks == null || autoLandmarks ? null : Inputs.readLandmarks(Path.of(landmarks)), false);
        Set<String> wanted = idsFile == null ? null : Datasets.readIds(idsFile);

        // Samples and labelled-but-missing images in one id order, so that --ids and --limit treat them alike.
        Map<String, Object> entries = new TreeMap<>();
        dataset.samples().forEach(s -> entries.put(s.id(), s));
        Set<String> missingImages = new java.util.HashSet<>();
        for (DatasetProblem p : dataset.problems()) {
            if (p.kind().excludesSample()) {
                entries.put(p.id(), new Failure(p.file() + (p.line() > 0 ? ", line " + p.line() : ""), p.reason()));
                if (p.kind() == DatasetProblem.Kind.MISSING_IMAGE) {
                    missingImages.add(p.id());
                }
            }
        }
        List<Failure> failures = new ArrayList<>();
        IdsNotFound notFound = null;
        if (wanted != null) {
            // Listed ids the set does not have: counted in one summary, not one failure each (a list made for a larger
            // folder would otherwise bury the real failures); the rest are evaluated.
            List<String> noLabel = new ArrayList<>();
            List<String> noImage = new ArrayList<>();
            for (String id : new java.util.TreeSet<>(wanted)) {
                if (!entries.containsKey(id)) {
                    noLabel.add(id);
                } else if (missingImages.contains(id)) {
                    noImage.add(id);
                }
            }
            notFound = new IdsNotFound(wanted.size(), noLabel, noImage);
            entries.keySet().retainAll(wanted);
            entries.keySet().removeAll(noImage);
        }
        List<Object> selected = new ArrayList<>(entries.values());
        if (limit != null && selected.size() > limit) {
            selected = selected.subList(0, limit);
        }
        List<Sample> samples = new ArrayList<>();
        for (Object o : selected) {
            if (o instanceof Sample s) {
                samples.add(s);
            } else {
                failures.add((Failure) o);
            }
        }

        Path modelPath = ModelLocator.resolve(model);
        Set<String> trainedOn = TrainedOnCheck.listedAsTrainedOn(samples.stream().map(Sample::id).toList(), modelPath);
        List<Prediction> results = new ArrayList<>();
        String modelName;
        int fallbacks;
        try (BoneAgeEstimator estimator = BoneAgeEstimators.open(modelPath)) {
            modelName = estimator.model().name();
            boolean usesPoints = estimator.roiScheme().map(RoiScheme::needsLandmarks).orElse(true)
                    || estimator.usesLandmarksWhenGiven();
            // An ensemble given no points would be measured on its whole-image members alone: it gets the detector's.
            boolean detect = autoLandmarks || landmarks == null && estimator.usesLandmarksWhenGiven();
            LandmarkDetector detector = detect && usesPoints ? LandmarkDetectors.defaultDetector() : null;
            try (Progress progress = Progress.start(spec, "evaluate", samples.size())) {
                fallbacks = estimateAll(estimator, detector, samples, results, failures, progress);
            }
        }

        MetricsReport report = null;
        if (!results.isEmpty()) {
            MetricsAccumulator acc = new MetricsAccumulator();
            results.forEach(r -> acc.add(r.truth(), r.predicted(), r.sex()));
            report = acc.report();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("model %s on %s: %d images evaluated, %d failed%s%n", modelName, labels, results.size(), failures.size(),
                notFound == null ? "" : ", " + notFound.count() + " of " + notFound.listed() + " --ids not found");
        if (fallbacks > 0) {
            out.printf("%d of them without reference points: estimated by the ensemble's whole-image members alone%n", fallbacks);
        }
        if (!trainedOn.isEmpty()) {
            out.println(TrainedOnCheck.warning(trainedOn, samples.size(), modelPath));
        }
        if (report != null) {
            out.println(report.summary());
            if (!report.byAgeBand().isEmpty()) {
                out.println("by reference bone age (bias = mean of estimate minus reference):");
                out.println(report.bandSummary());
            }
        }
        out.flush();
        if (json != null) {
            createParent(json);
            Files.writeString(json, json(report, failures, notFound, trainedOn.size()), StandardCharsets.UTF_8);
        }
        if (predictions != null) {
            writePredictions(results, predictions);
        }
        if (plots != null && !results.isEmpty()) {
            Files.createDirectories(plots);
            double[] truth = results.stream().mapToDouble(Prediction::truth).toArray();
            double[] predicted = results.stream().mapToDouble(Prediction::predicted).toArray();
            Plots.predictedVersusTrue(truth, predicted, results.stream().map(Prediction::sex).toArray(Sex[]::new),
                    plots.resolve(SCATTER_PNG));
            Plots.blandAltman(truth, predicted, plots.resolve(BLAND_ALTMAN_PNG));
        }
        PrintWriter err = spec.commandLine().getErr();
        failures.forEach(f -> err.println("boneage: " + f.file() + ": " + f.reason()));
        if (notFound != null && notFound.count() > 0) {
            err.println("boneage: " + idsFile + ": " + notFound.summary(labels, images));
        }
        err.flush();
        // Ids not found make the evaluated set differ from the one asked for: exit 3, like any input that failed.
        return failures.isEmpty() && (notFound == null || notFound.count() == 0) ? ExitCode.OK : ExitCode.PARTIAL;
    }

    /** @return how many estimates fell back to an ensemble's whole-image members (no reference points) */
    static int estimateAll(BoneAgeEstimator estimator, LandmarkDetector detector, List<Sample> samples,
            List<Prediction> results, List<Failure> failures, Progress progress) {
        ImageDecoder decoder = ImageDecoder.create();
        boolean needsPoints = estimator.roiScheme().map(RoiScheme::needsLandmarks).orElse(true);
        int fallbacks = 0;
        for (int start = 0; start < samples.size(); start += CHUNK) {
            List<Sample> chunk = samples.subList(start, Math.min(samples.size(), start + CHUNK));
            List<EstimationRequest> requests = new ArrayList<>();
            List<Sample> requested = new ArrayList<>();
            for (Sample s : chunk) {
                try {
                    GreyImage image = decoder.decode(s.image());
                    HandLandmarks points = s.landmarksForImage(image.width(), image.height()).orElse(null);
                    if (points == null && detector != null) {
                        LandmarkDetection d = detector.detect(image, s.image().toString());
                        if (d.ok()) {
                            points = d.landmarks().orElseThrow();
                        } else if (needsPoints) {
                            failures.add(new Failure(s.image().toString(), "no automatic landmarks (" + d.verdict() + ": "
                                    + d.reason() + ")"));
                            continue;
                        }
                    }
                    requests.add(EstimationRequest.builder().setImage(image).optSourceId(s.image().toString()).optSex(s.sex())
                            .optLandmarks(points).build());
                    requested.add(s);
                } catch (BoneAgeException | UncheckedIOException e) {
                    failures.add(new Failure(s.image().toString(), e.getMessage()));
                }
            }
            List<EstimationOutcome> outcomes = estimator.estimateBatch(requests);
            for (int k = 0; k < outcomes.size(); k++) {
                Sample s = requested.get(k);
                EstimationOutcome o = outcomes.get(k);
                if (o.isSuccess()) {
                    results.add(new Prediction(s.id(), s.sex(), s.boneAgeMonths(), o.estimate().orElseThrow().months()));
                    fallbacks += estimator.usesLandmarksWhenGiven() && requests.get(k).landmarks().isEmpty() ? 1 : 0;
                } else {
                    failures.add(new Failure(s.image().toString(), o.error().orElseThrow().getMessage()));
                }
            }
            progress.stepBy(chunk.size());
        }
        return fallbacks;
    }

    /**
     * The JSON of issue 5: overall figures, {@code bySex.male/female} with the same keys, {@code byAgeBand} (one object
     * per reference-age band with pairs: {@code band, fromMonths, toMonths} (null for the open top band) and the same
     * keys; {@code bias} is estimate minus reference), the failures, and
     * {@code idsNotFound} ({@code null} without {@code --ids}), and {@code idsListedAsTrainedOn}: how many of the
     * images have ids the model lists in its {@code training-ids.txt} (0 for a held-out figure).
     */
    static String json(MetricsReport report, List<Failure> failures, IdsNotFound notFound, int idsListedAsTrainedOn) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        putMetrics(root, report == null ? null : report.overall());
        ObjectNode bySex = root.putObject("bySex");
        for (Sex sex : List.of(Sex.MALE, Sex.FEMALE)) {
            putMetrics(bySex.putObject(sex.label()), report == null ? null : report.forSex(sex).orElse(null));
        }
        ArrayNode bands = root.putArray("byAgeBand");
        if (report != null) {
            for (BandMetrics b : report.byAgeBand()) {
                ObjectNode band = bands.addObject();
                band.put("band", b.band().label());
                band.put("fromMonths", b.band().fromMonths());
                putFinite(band, "toMonths", b.band().toMonths());
                putMetrics(band, b.metrics());
            }
        }
        ArrayNode failed = root.putArray("failed");
        for (Failure f : failures) {
            failed.addObject().put("file", f.file()).put("reason", f.reason());
        }
        if (notFound == null) {
            root.putNull("idsNotFound");
        } else {
            ObjectNode nf = root.putObject("idsNotFound");
            nf.put("listed", notFound.listed());
            nf.put("count", notFound.count());
            notFound.noLabel().forEach(nf.putArray("noLabel")::add);
            notFound.noImage().forEach(nf.putArray("noImage")::add);
        }
        root.put("idsListedAsTrainedOn", idsListedAsTrainedOn);
        try {
            return mapper.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the keys; without any pair (metrics undefined) {@code n} is 0 and the figures are null. */
    private static void putMetrics(ObjectNode node, AgeMetrics m) {
        node.put("n", m == null ? 0 : m.n());
        putFinite(node, "mad", m == null ? Double.NaN : m.mad());
        putFinite(node, "rmse", m == null ? Double.NaN : m.rmse());
        putFinite(node, "maxError", m == null ? Double.NaN : m.maxAbsError());
        putFinite(node, "bias", m == null ? Double.NaN : m.meanError());
        putFinite(node, "ccc", m == null ? Double.NaN : m.ccc());
        putFinite(node, "within12", m == null ? Double.NaN : m.within12());
    }

    /** JSON has no NaN: an undefined figure (e.g. CCC of one image) is null. */
    private static void putFinite(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    private static void writePredictions(List<Prediction> results, Path file) throws IOException {
        createParent(file);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("id,sex,true,predicted\n");
            for (Prediction p : results) {
                w.write(Csv.quote(p.id()) + "," + p.sex().label() + "," + number(p.truth()) + "," + number(p.predicted()) + "\n");
            }
        }
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
