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
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.QualityGateException;
import io.github.boneage.core.Sex;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.djl.DjlBoneAgeEstimator;
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

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files or folders.")
    List<Path> inputs;

    @Option(names = "--sex", paramLabel = "SEX", converter = Converters.SexConverter.class,
            description = "male, female or unknown, for all images (default: a DICOM file's PatientSex, else unknown).")
    Sex sex;

    @Option(names = "--age-months", paramLabel = "N",
            description = "Chronological age in months, for all images (default: a DICOM file's age at the study).")
    Double ageMonths;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write <id>.json, <id>.html and <id>.fhir.json per image into DIR (id: the file name without extension).")
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

    @Option(names = "--model", paramLabel = "BUNDLE", description = "Model bundle folder or zip (default: the shipped default model).")
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
        ImageFiles.Expanded expanded = ImageFiles.expand(inputs);
        List<Path> images = expanded.files();
        boolean auto = landmarks == null || landmarks.equals("auto");
        LandmarksTable table = auto ? null : Inputs.readLandmarks(Path.of(landmarks));
        List<Row> rows = new ArrayList<>(images.size() + expanded.problems().size());
        // Folders that could not be listed, non-files named as images and empty folders: one error row each.
        for (ImageFiles.WalkProblem problem : expanded.problems()) {
            rows.add(Row.failed(problem.path(), problem.toException()));
        }
        Set<String> reportIds = new HashSet<>();
        Path bundle = ModelLocator.resolve(model);
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            // Everything per image happens in the library's pipeline, so the CLI and a library user get the same answer.
            BoneAgePipeline.Builder builder = BoneAgePipeline.builder().setEstimator(estimator).optQualityGate(qualityGate);
            if (uncertainty) {
                builder.optUncertainty(uncertaintyEstimator(estimator, bundle));
            }
            if (explain) {
                builder.optExplainer(OcclusionSensitivity.builder().setEstimator(estimator).build());
            }
            BoneAgePipeline pipeline = builder.build();
            for (int start = 0; start < images.size(); start += CHUNK) {
                List<PipelineInput> chunk = new ArrayList<>();
                for (Path file : images.subList(start, Math.min(images.size(), start + CHUNK))) {
                    chunk.add(input(file, table));
                }
                for (PipelineResult result : pipeline.runBatch(chunk)) {
                    Path file = result.file().orElseThrow();
                    if (!result.isSuccess()) {
                        rows.add(Row.failed(file, result));
                        continue;
                    }
                    BoneAgeReport report = result.report().orElseThrow();
                    try {
                        // An unsafe id or a symlinked report file fails this image only, not the run.
                        if (reportDir != null) {
                            String id = uniqueId(reportIds, Inputs.imageId(file));
                            ReportWriter.write(report, reportDir, id);
                            if (result.heatmap().isPresent()) {
                                HeatmapRenderer.builder().build().writePng(result.image().orElseThrow(),
                                        result.heatmap().get(), reportDir.resolve(id + "-heatmap.png"));
                            }
                        }
                        rows.add(Row.ok(file, report, result));
                    } catch (ReportWriteException e) {
                        rows.add(Row.failed(file, result, e));
                    }
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

    /** The pipeline input for one file: the flags' sex and age (which win over a DICOM header's) and listed points. */
    private PipelineInput input(Path file, LandmarksTable table) {
        PipelineInput.Builder b = PipelineInput.builder().setFile(file);
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

    private UncertaintyEstimator uncertaintyEstimator(DjlBoneAgeEstimator estimator, Path bundle) {
        UncertaintyCalibration calibration = UncertaintyCalibration.forBundle(bundle).orElseThrow(() -> new BoneAgeException(
                "--uncertainty: model " + bundle + " has no uncertainty calibration (expected "
                        + UncertaintyCalibration.fileFor(bundle) + "); see docs/uncertainty.md to fit one"));
        return UncertaintyEstimator.builder().setEstimator(estimator).setCalibration(calibration).optCoverage(coverage).build();
    }

    /** @return {@code id}, or {@code id-2}, {@code id-3}... when an earlier image of this run already used it */
    private static String uniqueId(Set<String> used, String id) {
        String candidate = id;
        for (int n = 2; !used.add(candidate); n++) {
            candidate = id + "-" + n;
        }
        return candidate;
    }

    private void print(List<Row> rows, PrintWriter out) {
        switch (format) {
            case json -> out.println(json(rows));
            case csv -> {
                out.println("file,sex,boneAgeMonths,roi,model,error,chronologicalAgeMonths,sds,verdict,"
                        + "intervalLowerMonths,intervalUpperMonths,intervalCoverage,qualityGate");
                for (Row r : rows) {
                    out.println(String.join(",", Csv.quote(r.file.toString()), r.sex == null ? "" : r.sex,
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
                        out.printf("%-40s FAILED: %s%n", r.file, r.error);
                    } else {
                        String clinical = !ages ? "" : String.format(Locale.ROOT, "%8s %7s  %s",
                                r.ageMonths == null ? "-" : String.format(Locale.ROOT, "%.1f", r.ageMonths),
                                r.sds == null ? "-" : String.format(Locale.ROOT, "%+.2f", r.sds.sds()),
                                r.sds == null ? "-" : r.sds.verdict().name().toLowerCase(Locale.ROOT));
                        String interval = !intervals ? "" : String.format("%-22s", r.interval == null ? "-"
                                : String.format(Locale.ROOT, "%.1f-%.1f (%.0f%%)", r.interval.lowerMonths(), r.interval.upperMonths(),
                                        r.interval.coverage() * 100));
                        out.printf(Locale.ROOT, "%-40s %-8s %10.1f  %-20s %-6s %-28s %s%s%n", r.file, r.sex, r.estimate.months(),
                                r.estimate.humanReadable(), r.estimate.roiScheme().label(), r.estimate.model().name(), interval,
                                clinical);
                    }
                }
            }
        }
        out.flush();
    }

    private static String json(List<Row> rows) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode array = mapper.createArrayNode();
        for (Row r : rows) {
            ObjectNode o = array.addObject();
            o.put("file", r.file.toString());
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

        private Row(Path file, BoneAgeReport report, String error, PipelineResult result) {
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

        /** The patient's sex as known is reported; a sex-agnostic model runs with {@link Sex#UNKNOWN} regardless. */
        static Row ok(Path file, BoneAgeReport report, PipelineResult result) {
            return new Row(file, report, null, result);
        }

        /** A failed item; a refusal keeps the gate's verdict for the output. */
        static Row failed(Path file, PipelineResult result) {
            return new Row(file, null, result.error().orElseThrow().getMessage(), result);
        }

        /** An input that never reached the pipeline (a folder that could not be listed, a FIFO named as an image...). */
        static Row failed(Path file, BoneAgeException error) {
            return new Row(file, null, error.getMessage(), null);
        }

        /** An estimated item whose report could not be written: reported as failed, with the gate's checks. */
        static Row failed(Path file, PipelineResult result, ReportWriteException error) {
            return new Row(file, null, error.getMessage(), result);
        }
    }
}
