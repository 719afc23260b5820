package io.github.boneage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.boneage.clinical.explain.HeatmapRenderer;
import io.github.boneage.clinical.explain.OcclusionSensitivity;
import io.github.boneage.clinical.reference.StandardDeviationScore;
import io.github.boneage.clinical.report.BoneAgeReport;
import io.github.boneage.clinical.report.PredictionInterval;
import io.github.boneage.clinical.report.ReportWriteException;
import io.github.boneage.clinical.report.ReportWriter;
import io.github.boneage.clinical.uncertainty.UncertaintyCalibration;
import io.github.boneage.clinical.uncertainty.UncertaintyEstimator;
import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.QualityGateException;
import io.github.boneage.core.Sex;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.djl.BoneAgeEstimators;
import io.github.boneage.pipeline.BoneAgePipeline;
import io.github.boneage.pipeline.GateCheck;
import io.github.boneage.pipeline.Orientation;
import io.github.boneage.pipeline.PipelineInput;
import io.github.boneage.pipeline.PipelineResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code boneage estimate}: one bone-age estimate per image, with the shipped default model or a given bundle. */
@Command(name = "estimate",
        mixinStandardHelpOptions = true,
        description = {"Estimate bone age for each IMAGE (PNG/JPEG/DICOM files or folders, walked recursively).",
            "Each image first passes the library's gate (the same BoneAgePipeline a library user runs): size; an "
                    + "inverted grey scale is read back; one hand; a hand turned by quarter turns or mirrored is brought "
                    + "upright with the thumb on the right, exactly; landmarks reliable enough for ROI models; bone "
                    + "structure. An image the gate cannot settle is refused with the reason, never guessed "
                    + "(--no-quality-gate turns every check off). ROI models take their landmarks from --landmarks FILE, "
                    + "else from the detector.",
            "DICOM files give the default sex (PatientSex) and chronological age (PatientBirthDate and StudyDate, else "
                    + "PatientAge); --sex and --age-months win over them. With a chronological age and a known sex the "
                    + "output adds the Greulich-Pyle SDS and verdict."})
final class EstimateCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { table, json, csv }

    /** Images decoded and estimated together; bounds memory for large folders. */
    private static final int CHUNK = 16;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "IMAGE", description = "Image files or folders (or --manifest).")
    List<Path> inputs;

    @Option(names = "--manifest", paramLabel = "FILE.csv",
            description = "CSV with the header file[,sex][,chronological_age_months][,id]: one image per row with its "
                    + "patient's sex and age (relative paths are read from the manifest's folder). A bad row is one "
                    + "error naming the line and column; the other rows are still estimated. Not with IMAGE, --sex or "
                    + "--age-months.")
    Path manifest;

    @Option(names = "--report-paths",
            description = "Show each image's local path in JSON/CSV output and in the --report files (default: only its "
                    + "id, the file name without folders and extension or the manifest's id).")
    boolean reportPaths;

    @Option(names = "--sex", paramLabel = "SEX", converter = Converters.SexConverter.class,
            description = "male, female or unknown, for all images (default: a DICOM file's PatientSex, else unknown).")
    Sex sex;

    @Option(names = "--age-months", paramLabel = "N",
            description = "Chronological age in months, for all images (default: a DICOM file's age at the study).")
    Double ageMonths;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write <id>.json, <id>.html and <id>.fhir.json per image into DIR (id: the manifest's id, else "
                    + "the file name without folders and extension).")
    Path reportDir;

    @Option(names = "--uncertainty",
            description = "Estimate with test-time augmentation and give the calibrated interval (needs the model's "
                    + "uncertainty-calibration.json); the estimate is then the augmentations' aggregate.")
    boolean uncertainty;

    @Option(names = "--coverage", paramLabel = "P", defaultValue = "0.9",
            description = "Target coverage of the --uncertainty interval, one of the calibration's levels (default: ${DEFAULT-VALUE}).")
    double coverage;

    @Option(names = "--explain",
            description = "Occlusion-sensitivity heatmap per image (about 100 extra estimates each), written as "
                    + "<id>-heatmap.png and drawn in the HTML report; needs --report.")
    boolean explain;

    @Option(names = "--landmarks", paramLabel = "FILE|auto",
            description = "Landmarks CSV (rows matched by image name without extension), or 'auto' (the default) to detect them.")
    String landmarks;

    @Option(names = "--quality-gate", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Check, correct or refuse each image before estimating it (inversion, orientation, one hand, "
                    + "landmarks, bone structure); on by default. --no-quality-gate sends every image to the model as it "
                    + "came, for experiments on curated data only.")
    boolean qualityGate;

    @Option(names = "--model", paramLabel = "BUNDLE",
            description = "Model bundle folder or zip, or an ensemble bundle folder (default: the shipped default model).")
    Path model;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or csv (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        if (ageMonths != null && (!Double.isFinite(ageMonths) || ageMonths < 0)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--age-months must be >= 0, got " + ageMonths);
        }
        if (explain && reportDir == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--explain writes heatmaps into the report folder: give --report DIR");
        }
        boolean images = inputs != null && !inputs.isEmpty();
        if (images == (manifest != null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), images
                    ? "give either IMAGE... or --manifest FILE.csv, not both"
                    : "give one or more IMAGE files or folders, or --manifest FILE.csv");
        }
        if (manifest != null && (sex != null || ageMonths != null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--sex and --age-months apply to every IMAGE; with --manifest give them per row (columns sex, "
                            + BatchManifest.AGE + ")");
        }
        boolean auto = landmarks == null || landmarks.equals("auto");
        LandmarksTable table = auto ? null : Inputs.readLandmarks(Path.of(landmarks));
        // Rows in input order; an input that never reaches the pipeline has its error row already, the others a slot.
        List<Row> rows = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        if (manifest != null) {
            BatchManifest m = BatchManifest.read(manifest, reportPaths ? manifest.toString()
                    : String.valueOf(manifest.getFileName()));
            for (BatchManifest.Item item : m.items()) {
                if (item.error() != null) {
                    rows.add(Row.failed(item.id(), null, item.error()));
                } else {
                    rows.add(null);
                    pending.add(new Pending(rows.size() - 1, item.id(), item.file(), manifestInput(item, m, table)));
                }
            }
        } else {
            ImageFiles.Expanded expanded = ImageFiles.expand(inputs);
            // Folders that could not be listed, non-files named as images and empty folders: one error row each.
            for (ImageFiles.WalkProblem problem : expanded.problems()) {
                rows.add(Row.failed(Inputs.imageId(problem.path()), problem.path(), reportPaths ? problem.toException()
                        : new InputFormatException(String.valueOf(problem.path().getFileName()), 0, null, problem.message())));
            }
            Set<String> ids = new HashSet<>();
            for (Path file : expanded.files()) {
                String id = BatchManifest.unique(ids, Inputs.imageId(file));
                rows.add(null);
                pending.add(new Pending(rows.size() - 1, id, file, input(file, id, table)));
            }
        }
        Path bundle = ModelLocator.resolve(model);
        try (BoneAgeEstimator estimator = BoneAgeEstimators.open(bundle)) {
            // Everything per image happens in the library's pipeline, so the CLI and a library user get the same answer.
            BoneAgePipeline.Builder builder = BoneAgePipeline.builder().setEstimator(estimator).optQualityGate(qualityGate);
            if (uncertainty) {
                builder.optUncertainty(uncertaintyEstimator(estimator, bundle));
            }
            if (explain) {
                builder.optExplainer(OcclusionSensitivity.builder().setEstimator(estimator).build());
            }
            BoneAgePipeline pipeline = builder.build();
            // --uncertainty and --explain cost tens of estimates per image: one image at a time keeps the bar moving.
            int chunkSize = uncertainty || explain ? 1 : CHUNK;
            boolean takesAWhile = pending.size() > 1 || uncertainty || explain;
            try (Progress progress = takesAWhile ? Progress.start(spec, "estimate", pending.size()) : Progress.none()) {
                for (int start = 0; start < pending.size(); start += chunkSize) {
                    List<Pending> chunk = pending.subList(start, Math.min(pending.size(), start + chunkSize));
                    List<PipelineResult> results = pipeline.runBatch(chunk.stream().map(Pending::input).toList());
                    for (int i = 0; i < chunk.size(); i++) {
                        Pending p = chunk.get(i);
                        rows.set(p.slot(), estimated(p, results.get(i)));
                    }
                    progress.stepBy(chunk.size());
                }
            }
        }
        print(rows, spec.commandLine().getOut());
        long failed = rows.stream().filter(r -> r.error != null).count();
        for (Row r : rows) {
            if (r.error != null) {
                spec.commandLine().getErr().println("boneage: " + r.error);
            }
        }
        return failed == 0 ? ExitCode.OK : ExitCode.PARTIAL;
    }

    /**
     * One input waiting for the pipeline.
     *
     * @param slot  its row's index in the output
     * @param id    its id in outputs and report file names
     * @param file  the image file
     * @param input what the pipeline reads
     */
    private record Pending(int slot, String id, Path file, PipelineInput input) {
    }

    /** The row of one pipeline result, with its report files written when asked. */
    private Row estimated(Pending p, PipelineResult result) {
        if (!result.isSuccess()) {
            return Row.failed(p.id(), p.file(), result, withoutPath(result.error().orElseThrow().getMessage(), p));
        }
        BoneAgeReport report = result.report().orElseThrow();
        try {
            // An unsafe id or a symlinked report file fails this image only, not the run.
            if (reportDir != null) {
                ReportWriter.write(report, reportDir, p.id());
                if (result.heatmap().isPresent()) {
                    HeatmapRenderer.builder().build().writePng(result.image().orElseThrow(), result.heatmap().get(),
                            reportDir.resolve(p.id() + "-heatmap.png"));
                }
            }
            return Row.ok(p.id(), p.file(), report, result);
        } catch (ReportWriteException e) {
            return Row.failed(p.id(), p.file(), result, e);
        }
    }

    /**
     * @return the message with the input's path replaced by its id, unless {@code --report-paths}: the decoders name the
     *         file they read, and outputs show no local paths by default
     */
    private String withoutPath(String message, Pending p) {
        if (reportPaths || message == null) {
            return message;
        }
        String absolute = p.file().toAbsolutePath().toString();
        return message.replace(absolute, p.id()).replace(p.file().toString(), p.id());
    }

    /**
     * The pipeline input for one manifest row: the row's sex and age, with the manifest and line as their source, and
     * the listed points.
     */
    private PipelineInput manifestInput(BatchManifest.Item item, BatchManifest m, LandmarksTable table) {
        PipelineInput.Builder b = PipelineInput.builder().setFile(item.file())
                .optSourceId(reportPaths ? item.file().toString() : item.id());
        String source = "manifest " + m.name() + " line " + item.line();
        if (item.sex() != null) {
            b.optSex(item.sex(), source);
        }
        if (item.ageMonths() != null) {
            b.optChronologicalAgeMonths(item.ageMonths(), source);
        }
        if (table != null) {
            table.get(Inputs.imageId(item.file())).ifPresent(b::optLandmarks);
        }
        return b.build();
    }

    /**
     * The pipeline input for one file: named by its id (by its path with {@code --report-paths}), the flags' sex and age
     * (which win over a DICOM header's) and listed points.
     */
    private PipelineInput input(Path file, String id, LandmarksTable table) {
        PipelineInput.Builder b = PipelineInput.builder().setFile(file).optSourceId(reportPaths ? file.toString() : id);
        if (sex != null) {
            b.optSex(sex, "--sex");
        }
        if (ageMonths != null) {
            b.optChronologicalAgeMonths(ageMonths, "--age-months");
        }
        if (table != null) {
            table.get(Inputs.imageId(file)).ifPresent(b::optLandmarks);
        }
        return b.build();
    }

    private UncertaintyEstimator uncertaintyEstimator(BoneAgeEstimator estimator, Path bundle) {
        UncertaintyCalibration calibration = UncertaintyCalibration.forBundle(bundle).orElseThrow(() -> new BoneAgeException(
                "--uncertainty: model " + bundle + " has no uncertainty calibration (expected "
                        + UncertaintyCalibration.fileFor(bundle) + "); see docs/uncertainty.md to fit one"));
        return UncertaintyEstimator.builder().setEstimator(estimator).setCalibration(calibration).optCoverage(coverage).build();
    }

    private void print(List<Row> rows, PrintWriter out) {
        switch (format) {
            case json -> out.println(json(rows, reportPaths));
            case csv -> {
                out.println("id," + (reportPaths ? "file," : "") + "sex,boneAgeMonths,roi,model,error,chronologicalAgeMonths,sds,verdict,"
                        + "intervalLowerMonths,intervalUpperMonths,intervalCoverage,qualityGate");
                for (Row r : rows) {
                    out.println(String.join(",", Csv.quote(r.id) + (reportPaths ? "," + Csv.quote(r.shown()) : ""),
                            r.sex == null ? "" : r.sex,
                            r.estimate == null ? "" : String.format(Locale.ROOT, "%.2f", r.estimate.months()),
                            r.estimate == null ? "" : r.estimate.roiScheme().label(),
                            r.estimate == null ? "" : Csv.quote(r.estimate.model().name()),
                            r.error == null ? "" : Csv.quote(r.error),
                            r.ageMonths == null ? "" : String.format(Locale.ROOT, "%.2f", r.ageMonths),
                            r.sds == null ? "" : String.format(Locale.ROOT, "%.3f", r.sds.sds()),
                            r.sds == null ? "" : r.sds.verdict().name(),
                            r.interval == null ? "" : String.format(Locale.ROOT, "%.2f", r.interval.lowerMonths()),
                            r.interval == null ? "" : String.format(Locale.ROOT, "%.2f", r.interval.upperMonths()),
                            r.interval == null ? "" : String.format(Locale.ROOT, "%.2f", r.interval.coverage()),
                            r.verdict == null ? "" : r.verdict));
                }
            }
            default -> {
                boolean ages = rows.stream().anyMatch(r -> r.ageMonths != null);
                boolean intervals = rows.stream().anyMatch(r -> r.interval != null);
                out.printf("%-40s %-8s %10s  %-20s %-6s %-28s %s%s%n", "file", "sex", "months", "bone age", "roi", "model",
                        intervals ? String.format("%-22s", "interval") : "",
                        ages ? String.format("%8s %7s  %s", "age", "SDS", "verdict") : "");
                for (Row r : rows) {
                    if (r.estimate == null) {
                        out.printf("%-40s FAILED: %s%n", r.shown(), r.error);
                    } else {
                        String clinical = !ages ? "" : String.format(Locale.ROOT, "%8s %7s  %s",
                                r.ageMonths == null ? "-" : String.format(Locale.ROOT, "%.1f", r.ageMonths),
                                r.sds == null ? "-" : String.format(Locale.ROOT, "%+.2f", r.sds.sds()),
                                r.sds == null ? "-" : r.sds.verdict().name().toLowerCase(Locale.ROOT));
                        String interval = !intervals ? "" : String.format("%-22s", r.interval == null ? "-"
                                : String.format(Locale.ROOT, "%.1f-%.1f (%.0f%%)", r.interval.lowerMonths(), r.interval.upperMonths(),
                                        r.interval.coverage() * 100));
                        out.printf(Locale.ROOT, "%-40s %-8s %10.1f  %-20s %-6s %-28s %s%s%n", r.shown(), r.sex, r.estimate.months(),
                                r.estimate.humanReadable(), r.estimate.roiScheme().label(), r.estimate.model().name(), interval,
                                clinical);
                    }
                }
            }
        }
        out.flush();
    }

    private static String json(List<Row> rows, boolean paths) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode array = mapper.createArrayNode();
        for (Row r : rows) {
            ObjectNode o = array.addObject();
            o.put("id", r.id);
            if (paths) {
                o.put("file", r.shown());
            }
            if (r.estimate != null) {
                o.put("boneAgeMonths", r.estimate.months());
                o.put("sex", r.sex);
                o.put("roi", r.estimate.roiScheme().label());
                o.put("model", r.estimate.model().name());
                if (r.ageMonths == null) {
                    o.putNull("chronologicalAgeMonths");
                } else {
                    o.put("chronologicalAgeMonths", r.ageMonths);
                }
                if (r.sds == null) {
                    o.putNull("sds");
                    o.putNull("verdict");
                } else {
                    o.put("sds", r.sds.sds());
                    o.put("verdict", r.sds.verdict().name());
                }
                if (r.interval != null) {
                    o.put("intervalLowerMonths", r.interval.lowerMonths());
                    o.put("intervalUpperMonths", r.interval.upperMonths());
                    o.put("intervalCoverage", r.interval.coverage());
                }
                r.warnings.forEach(o.putArray("warnings")::add);
                putGate(o, r);
            } else {
                o.putNull("boneAgeMonths");
                o.put("error", r.error);
                putGate(o, r);
            }
        }
        try {
            return mapper.writeValueAsString(array);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Adds {@code qualityGate} when the gate ran: its verdict and reason, the detector's confidence, whether the image was
     * read inverted, how it was re-oriented, and every check.
     */
    private static void putGate(ObjectNode o, Row r) {
        if (r.verdict == null) {
            return;
        }
        ObjectNode gate = o.putObject("qualityGate");
        gate.put("verdict", r.verdict);
        gate.put("reason", r.gateReason);
        if (r.detection != null) {
            gate.put("confidence", r.detection.confidence());
        }
        if (r.orientation != null) {
            gate.put("invertedCorrected", r.orientation.inverted());
            gate.put("orientation", r.orientation.describe());
        }
        ArrayNode checks = gate.putArray("checks");
        for (GateCheck c : r.gate) {
            ObjectNode check = checks.addObject();
            check.put("check", c.check().name());
            check.put("outcome", c.outcome().name());
            check.put("detail", c.detail());
        }
    }

    /** One line of output. */
    private static final class Row {
        /** The image's id in outputs and report file names. */
        final String id;
        /** The image file, {@code null} for a manifest row without a usable file. */
        final Path file;
        final BoneAgeEstimate estimate;
        final String sex;
        final Double ageMonths;
        final StandardDeviationScore sds;
        final List<String> warnings;
        final PredictionInterval interval;
        final String error;
        final LandmarkDetection detection;
        final List<GateCheck> gate;
        final Orientation orientation;
        /** The gate's verdict ({@code OK} or why it refused), {@code null} when the gate did not run. */
        final String verdict;
        final String gateReason;

        private Row(String id, Path file, BoneAgeReport report, String error, PipelineResult result) {
            this.id = id;
            this.interval = report == null ? null : report.interval().orElse(null);
            this.file = file;
            this.estimate = report == null ? null : report.estimate();
            this.sex = report == null ? null : report.patientSex().label();
            this.ageMonths = report == null ? null : report.chronologicalAgeMonths().orElse(null);
            this.sds = report == null ? null : report.sds().orElse(null);
            this.warnings = report == null ? List.of() : report.warnings();
            this.error = error;
            this.detection = result == null ? null : result.detection().orElse(null);
            this.gate = result == null ? List.of() : result.gate();
            this.orientation = result == null ? null : result.orientation().orElse(null);
            if (result != null && result.error().orElse(null) instanceof QualityGateException refusal) {
                this.verdict = refusal.verdict().name();
                this.gateReason = refusal.reason();
            } else if (report != null && report.quality().isPresent()) {
                this.verdict = report.quality().get().name();
                this.gateReason = report.qualityReason().orElse("");
            } else {
                this.verdict = null;
                this.gateReason = null;
            }
        }

        /** @return the file's path as given, or the id when there is no file */
        String shown() {
            return file == null ? id : file.toString();
        }

        /** The patient's sex as known is reported; a sex-agnostic model runs with {@link Sex#UNKNOWN} regardless. */
        static Row ok(String id, Path file, BoneAgeReport report, PipelineResult result) {
            return new Row(id, file, report, null, result);
        }

        /** A failed item; a refusal keeps the gate's verdict for the output. */
        static Row failed(String id, Path file, PipelineResult result, String message) {
            return new Row(id, file, null, message, result);
        }

        /** An input that never reached the pipeline (a folder that could not be listed, a FIFO named as an image...). */
        static Row failed(String id, Path file, BoneAgeException error) {
            return new Row(id, file, null, error.getMessage(), null);
        }

        /** An estimated item whose report could not be written: reported as failed, with the gate's checks. */
        static Row failed(String id, Path file, PipelineResult result, ReportWriteException error) {
            return new Row(id, file, null, error.getMessage(), result);
        }
    }
}
