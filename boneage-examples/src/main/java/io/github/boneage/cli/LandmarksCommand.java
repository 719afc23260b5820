package io.github.boneage.cli;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.HandMask;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarksCsv;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import io.github.boneage.djl.landmarks.LearnedLandmarkDetector;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code boneage landmarks}: finds the seven reference points and the fingertips on raw radiographs and writes them as
 * a landmarks CSV, with the quality gate's verdict per image.
 */
@Command(name = "landmarks",
        mixinStandardHelpOptions = true,
        description = {"Detect the 7 reference points and 5 fingertips on each radiograph (no manual input) and write "
                + "them as a landmarks CSV (docs/landmarks.md). Images the quality gate rejects (no hand, several hands, "
                + "not a hand, low confidence) are reported with the reason and left out of the CSV; exit code 3 then."})
final class LandmarksCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "IMAGE|DIR",
            description = "PNG or JPEG radiographs, or folders searched for them.")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "FILE.csv",
            description = "Landmarks CSV to write: one row per accepted image, id = file name without extension.")
    Path out;

    @Option(names = "--report", paramLabel = "FILE.csv",
            description = "Also write every image's verdict: id,file,verdict,confidence,inverted,reason,hand_area,hand_box "
                    + "(the hand mask's share of the image in percent and its bounding box 'x y width height', where "
                    + "the detector has a mask head).")
    Path report;

    @Option(names = "--overlays", paramLabel = "DIR",
            description = "Write one PNG per image with the detected points, fingertips and ROI1 drawn on it.")
    Path overlays;

    @Option(names = "--sheets", paramLabel = "DIR",
            description = "Write contact sheets: pages of " + ContactSheets.COLUMNS + " x " + ContactSheets.ROWS
                    + " small overlays labelled with their ids (sheet-001.png, ...), to look through many images at once.")
    Path sheets;

    @Option(names = "--min-confidence", paramLabel = "C", defaultValue = "0.5",
            description = "Detections below this confidence are rejected as LOW_CONFIDENCE (default: ${DEFAULT-VALUE}).")
    double minConfidence;

    @Option(names = "--detector", paramLabel = "NAME", defaultValue = "auto",
            description = "auto (default: the learned detector of models/landmarks, or the classical one where it "
                    + "cannot be loaded), learned, classical, or learned+classical (the classical detector answers "
                    + "images the learned one refuses).")
    String detectorName;

    @Override
    public Integer call() throws IOException {
        if (!(minConfidence >= 0 && minConfidence <= 1)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--min-confidence must lie in [0, 1], got " + minConfidence);
        }
        ImageFiles.Expanded expanded = ImageFiles.expand(inputs);
        if (overlays != null) {
            Files.createDirectories(overlays);
        }
        ClassicalLandmarkDetector classical = ClassicalLandmarkDetector.builder().optMinConfidence(minConfidence).build();
        // "auto" and "classical" own no model: auto uses the JVM's shared learned detector where it loads
        // (LandmarkDetectors), else the classical one with this command's --min-confidence.
        LearnedLandmarkDetector learned = switch (detectorName) {
            case "classical", "auto" -> null;
            case "learned" -> LandmarkDetectors.learned(false);
            case "learned+classical" -> LandmarkDetectors.learned(classical);
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--detector must be auto, learned, classical or learned+classical, got '" + detectorName + "'");
        };
        try {
            LandmarkDetector detector = learned != null ? learned
                    : detectorName.equals("auto") && LandmarkDetectors.defaultIsLearned() ? LandmarkDetectors.defaultDetector()
                    : classical;
            return detectAll(expanded, detector);
        } finally {
            if (learned != null) {
                learned.close();
            }
        }
    }

    private int detectAll(ImageFiles.Expanded expanded, LandmarkDetector detector) throws IOException {
        List<Path> images = expanded.files();
        ImageDecoder decoder = ImageDecoder.create();
        Map<String, HandLandmarks> accepted = new LinkedHashMap<>();
        List<List<String>> verdicts = new ArrayList<>();
        int failed = 0;
        for (ImageFiles.WalkProblem problem : expanded.problems()) {
            failed++;
            verdicts.add(List.of(Inputs.imageId(problem.path()), problem.path().toString(), "UNREADABLE", "0.00", "false",
                    problem.message()));
            spec.commandLine().getErr().println("boneage: " + problem.toException().getMessage());
        }
        // Held back while the bar is drawn on stderr, so that the two never share a line.
        List<String> errors = new ArrayList<>();
        ContactSheets pages = sheets != null ? new ContactSheets(sheets) : null;
        try (Progress progress = images.size() > 1 ? Progress.start(spec, "landmarks", images.size()) : Progress.none()) {
            for (Path image : images) {
                failed += detectOne(image, decoder, detector, accepted, verdicts, errors, pages);
                progress.stepBy(1);
            }
        }
        errors.forEach(spec.commandLine().getErr()::println);
        if (pages != null) {
            List<Path> written = pages.finish();
            spec.commandLine().getOut().printf("%d contact sheet(s) -> %s%n", written.size(), sheets);
        }
        LandmarksCsv.write(LandmarksTable.of(out.toString(), accepted), out);
        if (report != null) {
            writeReport(verdicts);
        }
        spec.commandLine().getOut().printf("%d image(s): %d accepted, %d rejected -> %s%n", images.size() + expanded.problems().size(),
                accepted.size(), failed, out);
        return failed == 0 ? ExitCode.OK : ExitCode.PARTIAL;
    }

    /** Detects one image's points; @return 1 when it failed (its error added to {@code errors}), else 0. */
    private int detectOne(Path image, ImageDecoder decoder, LandmarkDetector detector, Map<String, HandLandmarks> accepted,
            List<List<String>> verdicts, List<String> errors, ContactSheets pages) {
        String id = Inputs.imageId(image);
        try {
            GreyImage decoded = decoder.decode(image);
            LandmarkDetection d = detector.detect(decoded, image.toString());
            verdicts.add(List.of(id, image.toString(), d.verdict().name(), String.format(Locale.ROOT, "%.2f",
                    d.confidence()), Boolean.toString(d.invertedCorrected()), d.reason(),
                    d.handMask().map(m -> String.format(Locale.ROOT, "%.1f", 100 * m.areaFraction())).orElse(""),
                    d.handMask().flatMap(HandMask::bounds).map(b -> b.x() + " " + b.y() + " " + b.width() + " " + b.height())
                            .orElse("")));
            if (overlays != null || pages != null) {
                BufferedImage drawn = LandmarkOverlay.render(decoded, d);
                if (overlays != null) {
                    LandmarkOverlay.write(drawn, overlays.resolve(id + ".png"));
                }
                if (pages != null) {
                    pages.add(id, drawn);
                }
            }
            if (!d.ok()) {
                errors.add("boneage: " + image + ": quality gate " + d.verdict() + ": " + d.reason());
                return 1;
            }
            if (accepted.putIfAbsent(id, d.landmarks().orElseThrow()) != null) {
                errors.add("boneage: " + image + ": image id '" + id + "' repeats an earlier image's id; left out");
                return 1;
            }
            return 0;
        } catch (BoneAgeException | UncheckedIOException e) {
            verdicts.add(List.of(id, image.toString(), "UNREADABLE", "0.00", "false", e.getMessage(), "", ""));
            errors.add("boneage: " + e.getMessage());
            return 1;
        }
    }

    private void writeReport(List<List<String>> rows) throws IOException {
        try (Writer w = Files.newBufferedWriter(report, StandardCharsets.UTF_8);
                CSVPrinter printer = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get())) {
            printer.printRecord("id", "file", "verdict", "confidence", "inverted", "reason", "hand_area", "hand_box");
            for (List<String> row : rows) {
                printer.printRecord(row);
            }
        }
    }
}
