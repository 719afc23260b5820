package io.github.boneage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.boneage.clinical.explain.HeatmapRenderer;
import io.github.boneage.clinical.explain.OcclusionHeatmap;
import io.github.boneage.clinical.explain.OcclusionSensitivity;
import io.github.boneage.clinical.reference.StandardDeviationScore;
import io.github.boneage.clinical.report.BoneAgeReport;
import io.github.boneage.clinical.report.Heatmap;
import io.github.boneage.clinical.report.PredictionInterval;
import io.github.boneage.clinical.report.ReportWriter;
import io.github.boneage.clinical.uncertainty.IntervalEstimate;
import io.github.boneage.clinical.uncertainty.ItemOutcome;
import io.github.boneage.clinical.uncertainty.UncertaintyCalibration;
import io.github.boneage.clinical.uncertainty.UncertaintyEstimator;
import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.QualityGateException;
import io.github.boneage.core.Roi;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.dicom.DicomRadiograph;
import io.github.boneage.dicom.DicomReader;
import io.github.boneage.dicom.PixelSpacing;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
            "Each image first passes the quality gate of the automatic landmark detector (one hand, located with enough "
                    + "confidence); a rejected image is reported with the verdict and not estimated (--no-quality-gate "
                    + "turns the gate off). ROI models take their landmarks from --landmarks FILE, else from the detector.",
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
            description = "Reject images the landmark detector finds unfit (no hand, two hands, not a hand, low confidence); "
                    + "on by default, --no-quality-gate estimates every image.")
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
        ImageDecoder decoder = ImageDecoder.create();
        Set<String> reportIds = new HashSet<>();
        Path bundle = ModelLocator.resolve(model);
        // The gate runs here, once per input image, rather than inside the estimator: the augmented and occluded copies
        // that --uncertainty and --explain derive from an accepted image are not new inputs to judge.
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            boolean roiNeedsLandmarks = estimator.bundle().manifest().preprocessing().roi().needsLandmarks();
            LandmarkDetector detector = qualityGate || (auto && roiNeedsLandmarks) ? ClassicalLandmarkDetector.builder().build() : null;
            UncertaintyEstimator uncertain = uncertainty ? uncertaintyEstimator(estimator, bundle) : null;
            OcclusionSensitivity occlusion = explain ? OcclusionSensitivity.builder().setEstimator(estimator).build() : null;
            for (int start = 0; start < images.size(); start += CHUNK) {
                List<Path> chunk = images.subList(start, Math.min(images.size(), start + CHUNK));
                // Rows stay in input order: undecodable images fill their slot now, estimates fill the rest below.
                Row[] chunkRows = new Row[chunk.size()];
                List<EstimationRequest> requests = new ArrayList<>();
                List<Input> decoded = new ArrayList<>();
                List<Integer> slots = new ArrayList<>();
                for (int i = 0; i < chunk.size(); i++) {
                    try {
                        Input in = decode(decoder, chunk.get(i), table, detector, roiNeedsLandmarks);
                        requests.add(in.request());
                        decoded.add(in);
                        slots.add(i);
                    } catch (BoneAgeException e) {
                        chunkRows[i] = Row.failed(chunk.get(i), e);
                    }
                }
                List<Estimated> outcomes = uncertain == null ? plain(estimator.estimateBatch(requests))
                        : withIntervals(uncertain, uncertain.estimateBatch(requests));
                for (int k = 0; k < outcomes.size(); k++) {
                    Estimated o = outcomes.get(k);
                    Input in = decoded.get(k);
                    if (o.error() != null) {
                        chunkRows[slots.get(k)] = Row.failed(in.file(), o.error());
                        continue;
                    }
                    String id = reportDir == null ? null : uniqueId(reportIds, Inputs.imageId(in.file()));
                    List<String> warnings = new ArrayList<>();
                    Heatmap heatmap = occlusion == null ? null : heatmap(occlusion, in, o, id, warnings);
                    BoneAgeReport report = in.report(o.estimate(), o.interval(), heatmap, warnings);
                    if (reportDir != null) {
                        ReportWriter.write(report, reportDir, id);
                    }
                    chunkRows[slots.get(k)] = Row.ok(in.file(), report, in.detection());
                }
                rows.addAll(Arrays.asList(chunkRows));
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
     * Decodes one input: DICOM when the file carries the DICM marker or a DICOM name, else PNG/JPEG. The patient's sex
     * and age come from the flags, else from the DICOM header.
     */
    private Input decode(ImageDecoder decoder, Path file, LandmarksTable table, LandmarkDetector detector,
            boolean roiNeedsLandmarks) {
        GreyImage image;
        Sex patientSex = sex;
        String sexSource = sex == null ? null : "--sex";
        Double age = ageMonths;
        String ageSource = ageMonths == null ? null : "--age-months";
        List<String> warnings = new ArrayList<>();
        PixelSpacing spacing = null;
        if (DicomReader.isDicom(file) || ImageFiles.isDicomName(file.getFileName().toString().toLowerCase(Locale.ROOT))) {
            DicomRadiograph dicom = DicomReader.create().read(file);
            image = dicom.image();
            warnings.addAll(dicom.warnings());
            spacing = dicom.pixelSpacing().orElse(null);
            if (patientSex == null && dicom.patientSex() != Sex.UNKNOWN) {
                patientSex = dicom.patientSex();
                sexSource = "DICOM PatientSex";
            }
            if (age == null && dicom.ageAtStudy().isPresent()) {
                age = dicom.ageAtStudy().get().months();
                ageSource = "DICOM " + dicom.ageAtStudy().get().derivedFrom();
            }
        } else {
            image = decoder.decode(file);
        }
        if (patientSex == null) {
            patientSex = Sex.UNKNOWN;
        }
        HandLandmarks lm = table == null ? null : table.forImage(Inputs.imageId(file), image.width(), image.height()).orElse(null);
        LandmarkDetection detection = null;
        if (detector != null && (qualityGate || (lm == null && roiNeedsLandmarks))) {
            detection = detector.detect(image, file.toString());
            if (!detection.ok()) {
                throw new QualityGateException(file.toString(), detection);
            }
        }
        // Detected points go to the model only when its ROI needs them; a whole-image model would gain nothing and its
        // test-time shifts would push fingertips near the border out of the image.
        HandLandmarks forModel = lm != null || !roiNeedsLandmarks || detection == null ? lm : detection.landmarks().orElseThrow();
        return new Input(file, image, patientSex, sexSource, age, ageSource, forModel, detection, spacing, warnings);
    }

    /** One estimated item: the estimate (with its interval under --uncertainty) and the plain estimate, or the error. */
    private record Estimated(BoneAgeEstimate estimate, PredictionInterval interval, BoneAgeEstimate unaugmented,
            BoneAgeException error) {
    }

    private static List<Estimated> plain(List<EstimationOutcome> outcomes) {
        List<Estimated> out = new ArrayList<>(outcomes.size());
        for (EstimationOutcome o : outcomes) {
            out.add(o.isSuccess() ? new Estimated(o.estimate().orElseThrow(), null, o.estimate().orElseThrow(), null)
                    : new Estimated(null, null, null, o.error().orElseThrow()));
        }
        return out;
    }

    private static List<Estimated> withIntervals(UncertaintyEstimator uncertain, List<ItemOutcome<IntervalEstimate>> outcomes) {
        UncertaintyCalibration c = uncertain.calibration();
        String method = String.format(Locale.ROOT, "test-time augmentation (%d passes, %s), split-conformal %s calibration on %d images",
                c.augmentation().passesPerImage(), c.augmentation().aggregation().name().toLowerCase(Locale.ROOT),
                c.method().name().toLowerCase(Locale.ROOT), c.n());
        List<Estimated> out = new ArrayList<>(outcomes.size());
        for (ItemOutcome<IntervalEstimate> o : outcomes) {
            if (o.isSuccess()) {
                IntervalEstimate e = o.orElseThrow();
                out.add(new Estimated(e.estimate(), new PredictionInterval(e.lowerMonths(), e.upperMonths(), e.coverage(), method),
                        e.tta().identity(), null));
            } else {
                out.add(new Estimated(null, null, null, o.error().orElseThrow()));
            }
        }
        return out;
    }

    private UncertaintyEstimator uncertaintyEstimator(DjlBoneAgeEstimator estimator, Path bundle) {
        UncertaintyCalibration calibration = UncertaintyCalibration.forBundle(bundle).orElseThrow(() -> new BoneAgeException(
                "--uncertainty: model " + bundle + " has no uncertainty calibration (expected "
                        + UncertaintyCalibration.fileFor(bundle) + "); see docs/uncertainty.md to fit one"));
        return UncertaintyEstimator.builder().setEstimator(estimator).setCalibration(calibration).optCoverage(coverage).build();
    }

    /**
     * Occlusion heatmap of one image, written as {@code <id>-heatmap.png}; a failure leaves the estimate standing and
     * becomes a warning of its report.
     */
    private Heatmap heatmap(OcclusionSensitivity occlusion, Input in, Estimated o, String id, List<String> warnings) {
        OcclusionHeatmap map;
        try {
            map = occlusion.explain(in.request(), o.unaugmented());
        } catch (BoneAgeException e) {
            warnings.add("no heatmap: " + e.getMessage());
            return null;
        }
        HeatmapRenderer.builder().build().writePng(in.image(), map, reportDir.resolve(id + "-heatmap.png"));
        float[] values = new float[map.columns() * map.rows()];
        for (int r = 0; r < map.rows(); r++) {
            for (int c = 0; c < map.columns(); c++) {
                values[r * map.columns() + c] = (float) map.changeMonths(c, r);
            }
        }
        // The grid's cells are whole squares, so it may reach past the ROI's edge: it covers columns x cell size.
        Roi covered = new Roi(map.roi().x(), map.roi().y(), map.columns() * map.cellSize(), map.rows() * map.cellSize());
        return new Heatmap(map.columns(), map.rows(), values, covered, String.format(Locale.ROOT,
                "occlusion sensitivity, %d px patches, mean |change| in months per %d px cell", map.patchSize(), map.cellSize()));
    }

    /** @return {@code id}, or {@code id-2}, {@code id-3}... when an earlier image of this run already used it */
    private static String uniqueId(Set<String> used, String id) {
        String candidate = id;
        for (int n = 2; !used.add(candidate); n++) {
            candidate = id + "-" + n;
        }
        return candidate;
    }

    /** One decoded input and what is known about its patient. */
    private record Input(Path file, GreyImage image, Sex sex, String sexSource, Double ageMonths, String ageSource,
            HandLandmarks landmarks, LandmarkDetection detection, PixelSpacing spacing, List<String> warnings) {

        EstimationRequest request() {
            EstimationRequest.Builder b = EstimationRequest.builder().setImage(image).optSourceId(file.toString()).optSex(sex)
                    .optLandmarks(landmarks);
            if (ageMonths != null) {
                b.optChronologicalAgeMonths(ageMonths);
            }
            return b.build();
        }

        BoneAgeReport report(BoneAgeEstimate estimate, PredictionInterval interval, Heatmap heatmap, List<String> more) {
            BoneAgeReport.Builder b = BoneAgeReport.builder().setEstimate(estimate).optSourceId(file.toString()).optImage(image)
                    .optPatientSex(sex, sexSource)
                    .optLandmarks(landmarks != null || detection == null ? landmarks : detection.landmarks().orElse(null))
                    .optInterval(interval).optHeatmap(heatmap);
            if (detection != null) {
                b.optQuality(detection.verdict(), detection.reason());
            }
            if (ageMonths != null) {
                b.optChronologicalAgeMonths(ageMonths, ageSource);
            }
            if (spacing != null) {
                b.optPixelSpacing(spacing.rowSpacingMm(), spacing.columnSpacingMm(), "DICOM " + spacing.attribute());
            }
            warnings.forEach(b::addWarning);
            more.forEach(b::addWarning);
            return b.build();
        }
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
                            r.detection == null ? "" : r.detection.verdict().name()));
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
                putGate(o, r.detection);
            } else {
                o.putNull("boneAgeMonths");
                o.put("error", r.error);
                putGate(o, r.detection);
            }
        }
        try {
            return mapper.writeValueAsString(array);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds {@code qualityGate} (verdict, reason, confidence, inverted) when the detector looked at the image. */
    private static void putGate(ObjectNode o, LandmarkDetection detection) {
        if (detection == null) {
            return;
        }
        ObjectNode gate = o.putObject("qualityGate");
        gate.put("verdict", detection.verdict().name());
        gate.put("reason", detection.reason());
        gate.put("confidence", detection.confidence());
        gate.put("invertedCorrected", detection.invertedCorrected());
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

        private Row(Path file, BoneAgeReport report, String error, LandmarkDetection detection) {
            this.interval = report == null ? null : report.interval().orElse(null);
            this.file = file;
            this.estimate = report == null ? null : report.estimate();
            this.sex = report == null ? null : report.patientSex().label();
            this.ageMonths = report == null ? null : report.chronologicalAgeMonths().orElse(null);
            this.sds = report == null ? null : report.sds().orElse(null);
            this.warnings = report == null ? List.of() : report.warnings();
            this.error = error;
            this.detection = detection;
        }

        /** The patient's sex as known is reported; a sex-agnostic model runs with {@link Sex#UNKNOWN} regardless. */
        static Row ok(Path file, BoneAgeReport report, LandmarkDetection detection) {
            return new Row(file, report, null, detection);
        }

        /** A failed item; a quality-gate rejection keeps its verdict for the output. */
        static Row failed(Path file, BoneAgeException error) {
            return new Row(file, null, error.getMessage(),
                    error instanceof QualityGateException gate ? gate.detection() : null);
        }
    }
}
