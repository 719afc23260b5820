package io.github.boneage.cli;

import io.github.boneage.clinical.uncertainty.CalibrationRun;
import io.github.boneage.clinical.uncertainty.CoverageMeasurement;
import io.github.boneage.clinical.uncertainty.IntervalMethod;
import io.github.boneage.clinical.uncertainty.TtaPrediction;
import io.github.boneage.clinical.uncertainty.TtaPredictor;
import io.github.boneage.clinical.uncertainty.UncertaintyCalibration;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.dataset.DatasetProblem;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.djl.BoneAgeEstimators;
import io.github.boneage.djl.EnsembleBundle;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import io.github.boneage.djl.train.BoneAgeTrainer;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code boneage calibrate}: fits a model's uncertainty interval on labelled images that played no part in its
 * training ({@link CalibrationRun}: half the images fit it, the other half measure its coverage) and writes
 * {@value UncertaintyCalibration#BUNDLE_FILE_NAME} into a copy of the bundle. Images the bundle records as trained on
 * are refused.
 */
@Command(name = "calibrate",
        mixinStandardHelpOptions = true,
        description = {"Fit a model's uncertainty interval on labelled images that played no part in its training.",
            "Half of the images (seeded shuffle) fit the interval, the other half measure its coverage; the calibration,",
            "with that measurement and its provenance, is written as uncertainty-calibration.json into a copy of the bundle.",
            "Images the bundle records as trained on (training-ids.txt; or, when the images share ids with its",
            "held-out-ids.txt, every id outside that list) are refused (exit 2).",
            "Exit code 3 when some images could not be used (each listed with its reason); the rest were used."})
final class CalibrateCommand implements Callable<Integer> {

    /** The file listing the ids a bundle's weights were selected on (validation), written by the trainer. */
    static final String SELECTION_FILE = "validation-predictions.csv";
    /** Suffix of the default output folder, next to the model. */
    static final String OUT_SUFFIX = "-calibrated";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model bundle folder (or ensemble bundle folder) to calibrate.")
    Path model;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of <id>.png / <id>.jpg images.")
    Path images;

    @Option(names = "--labels", required = true, paramLabel = "CSV", description = "Labels CSV with columns id,boneage,male.")
    Path labels;

    @Option(names = "--ids", paramLabel = "FILE",
            description = "Use only the ids listed (one a line), e.g. MODEL/held-out-ids.txt (default: every labelled image).")
    Path idsFile;

    @Option(names = "--out", paramLabel = "DIR",
            description = "The calibrated copy of the bundle to create, absent or empty (default: MODEL" + OUT_SUFFIX + ").")
    Path out;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "20261122",
            description = "Seed of the shuffle that splits the images into fitting and checking halves (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "absolute", converter = MethodConverter.class,
            description = "absolute (point ± q) or scaled (point ± q·TTA spread) (default: ${DEFAULT-VALUE}).")
    IntervalMethod method;

    @Option(names = "--coverages", paramLabel = "C,C...", defaultValue = "0.8,0.9,0.95", split = ",",
            description = "Target coverages, each in (0, 1) (default: ${DEFAULT-VALUE}).")
    double[] coverages;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N images (by id).")
    Integer limit;

    @Option(names = "--predictions", paramLabel = "CSV",
            description = "Also write one row per estimated image: id,sex,true,unaugmented,tta,spread,half (months; half "
                    + "is 'fit' or 'check').")
    Path predictionsCsv;

    @Override
    public Integer call() throws IOException {
        if (limit != null && limit < 4) {
            throw new ParameterException(spec.commandLine(), "--limit must be >= 4 (2 images fit, 2 check), got " + limit);
        }
        for (double c : coverages) {
            if (!(c > 0 && c < 1)) {
                throw new ParameterException(spec.commandLine(), "--coverages: each must be in (0, 1), got " + c);
            }
        }
        boolean ensemble = EnsembleBundle.isEnsemble(model);
        if (!ensemble && !Files.isRegularFile(model.resolve("boneage-model.json"))) {
            throw new ParameterException(spec.commandLine(), "MODEL must be a model bundle folder (with boneage-model.json) or"
                    + " an ensemble bundle folder (with " + EnsembleBundle.FILE_NAME + "): " + model);
        }
        // The bundles whose training and selection lists count: the model's own, or each ensemble member's.
        List<Path> bundles = TrainedOnCheck.bundleFolders(model);
        Path target = out != null ? out : model.toAbsolutePath().normalize().resolveSibling(
                model.toAbsolutePath().normalize().getFileName() + OUT_SUFFIX);
        checkEmpty(target);

        RsnaDataset dataset = Datasets.read(images, labels, null, false);
        List<String> problems = new ArrayList<>();
        for (DatasetProblem p : dataset.problems()) {
            if (p.kind().excludesSample()) {
                problems.add(p.toString());
            }
        }
        List<Sample> samples = dataset.samples();
        if (idsFile != null) {
            Set<String> wanted = Datasets.readIds(idsFile);
            samples = samples.stream().filter(s -> wanted.contains(s.id())).toList();
            Set<String> missing = new TreeSet<>(wanted);
            samples.forEach(s -> missing.remove(s.id()));
            missing.forEach(id -> problems.add(idsFile + ": id " + id + " has no labelled image in " + labels));
        }
        if (limit != null && limit < samples.size()) {
            samples = samples.subList(0, limit);
        }
        refuseTrainedOn(samples, bundles);
        int needed = 0;
        for (double c : coverages) {
            needed = Math.max(needed, CalibrationRun.minimumFittingImages(c));
        }
        if (samples.size() / 2 < needed) {
            throw new ParameterException(spec.commandLine(), String.format(Locale.ROOT, "--coverages up to %s need at least %d"
                    + " fitting images, so at least %d labelled images (half fit, half check); got %d", Arrays.stream(coverages)
                    .max().orElse(0), needed, 2 * needed, samples.size()));
        }
        var o = spec.commandLine().getOut();
        Set<String> selection = new java.util.HashSet<>();
        bundles.forEach(b -> selection.addAll(selectionIds(b)));
        long selected = samples.stream().filter(s -> selection.contains(s.id())).count();
        if (selected > 0) {
            o.printf(Locale.ROOT, "note: %d of the %d images chose the model's kept epoch (%s); they were never trained on%n",
                    selected, samples.size(), SELECTION_FILE);
        }

        ImageDecoder decoder = ImageDecoder.create();
        CalibrationRun.Result result;
        String version = new VersionProvider().getVersion()[0];
        try (BoneAgeEstimator estimator = BoneAgeEstimators.open(model)) {
            TtaPredictor predictor = TtaPredictor.builder().setEstimator(estimator).build();
            // A model that reads reference points gets the default detector's (the augmentations move them with the
            // image); where none are located an ensemble estimates with its whole-image members, as it will in use.
            LandmarkDetector detector = estimator.usesLandmarksWhenGiven()
                    || estimator.roiScheme().map(RoiScheme::needsLandmarks).orElse(true) ? LandmarkDetectors.defaultDetector() : null;
            o.printf(Locale.ROOT, "calibrating %s on %d images (%d TTA passes each)%n", estimator.model().name(), samples.size(),
                    predictor.policy().passesPerImage());
            o.flush();
            result = CalibrationRun.builder()
                    .setPredictor(predictor)
                    .setModel(estimator.model())
                    .setSamples(samples)
                    .setRequests(s -> request(s, decoder, detector))
                    .optSeed(seed)
                    .optMethod(method)
                    .optCoverages(coverages)
                    .optDataName(String.format(Locale.ROOT, "%s (labels %s%s); %s, DJL %s", dataset.describe(),
                            labels.getFileName(), idsFile == null ? "" : ", ids " + idsFile.getFileName(), version,
                            ai.djl.engine.Engine.getDjlVersion()))
                    .build()
                    .run();
        }
        copyBundle(model, target);
        result.calibration().write(UncertaintyCalibration.fileFor(target));

        Map<String, Sample> byId = new HashMap<>();
        samples.forEach(sample -> byId.put(sample.id(), sample));
        double unaugmented = result.evaluationIds().stream().mapToDouble(id -> Math.abs(
                result.predictions().get(id).identity().months() - byId.get(id).boneAgeMonths())).average().orElse(Double.NaN);
        o.printf(Locale.ROOT, "fitted on %d images, checked on %d (TTA MAD %.2f months on the checking half; the image "
                + "alone %.2f)%n", result.calibrationIds().size(), result.evaluationIds().size(), result.evaluationMadMonths(),
                unaugmented);
        if (predictionsCsv != null) {
            writePredictions(result, byId);
            o.println("wrote " + predictionsCsv);
        }
        o.println("| target coverage | half-width q (months) | measured coverage | mean width (months) |");
        for (CoverageMeasurement m : result.calibration().evaluation().measurements()) {
            o.printf(Locale.ROOT, "| %.2f | %.2f | %.3f | %.1f |%n", m.coverage(), result.calibration().level(m.coverage()).q(),
                    m.measuredCoverage(), m.meanWidthMonths());
        }
        o.println("wrote " + UncertaintyCalibration.fileFor(target));
        o.flush();
        result.failures().forEach((id, reason) -> problems.add(id + ": " + reason));
        PrintWriter err = spec.commandLine().getErr();
        problems.forEach(p -> err.println("boneage: skipped " + p));
        err.flush();
        return problems.isEmpty() ? ExitCode.OK : ExitCode.PARTIAL;
    }

    private void writePredictions(CalibrationRun.Result result, Map<String, Sample> byId) throws IOException {
        Set<String> fitting = new java.util.HashSet<>(result.calibrationIds());
        List<String> lines = new ArrayList<>();
        lines.add("id,sex,true,unaugmented,tta,spread,half");
        List<String> ids = new ArrayList<>(result.calibrationIds());
        ids.addAll(result.evaluationIds());
        for (String id : ids) {
            TtaPrediction p = result.predictions().get(id);
            Sample s = byId.get(id);
            lines.add(String.format(Locale.ROOT, "%s,%s,%.3f,%.3f,%.3f,%.3f,%s", id, s.sex().name().toLowerCase(Locale.ROOT),
                    s.boneAgeMonths(),
                    p.identity().months(), p.pointMonths(), p.spreadMonths(), fitting.contains(id) ? "fit" : "check"));
        }
        Path parent = predictionsCsv.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(predictionsCsv, lines, StandardCharsets.UTF_8);
    }

    /**
     * Refuses images the model was trained on: those listed in the bundle's {@code training-ids.txt}, and, when some
     * images are in its {@code held-out-ids.txt} (so they come from the data set it was trained on), every image
     * outside that list.
     */
    private void refuseTrainedOn(List<Sample> samples, List<Path> bundles) {
        Set<String> heldOut = heldOutByAll(bundles);
        boolean sameDataSet = samples.stream().anyMatch(s -> heldOut.contains(s.id()));
        Set<String> refused = new TreeSet<>();
        List<String> reasons = new ArrayList<>();
        Set<String> listed = TrainedOnCheck.listedAsTrainedOn(samples.stream().map(Sample::id).toList(), bundles);
        if (!listed.isEmpty()) {
            refused.addAll(listed);
            reasons.add(listed.size() + " listed in " + BoneAgeTrainer.TRAINING_IDS_FILE);
        }
        if (sameDataSet) {
            List<String> outside = samples.stream().map(Sample::id).filter(id -> !heldOut.contains(id)).toList();
            if (!outside.isEmpty()) {
                refused.addAll(outside);
                reasons.add(outside.size() + " from the data set of its " + TrainCommand.HELD_OUT_IDS_FILE
                        + " but not held out in it");
            }
        }
        if (!refused.isEmpty()) {
            String shown = Datasets.firstIds(refused);
            throw new ParameterException(spec.commandLine(), String.format(Locale.ROOT,
                    "%d of the %d images were trained on by %s (%s): %s; calibrate on images that played no part in"
                            + " training%s", refused.size(), samples.size(), model, String.join("; ", reasons), shown,
                    heldOut.isEmpty() ? "" : ", e.g. --ids " + bundles.get(0).resolve(TrainCommand.HELD_OUT_IDS_FILE)));
        }
    }

    /**
     * @return the ids every bundle with a {@code held-out-ids.txt} holds out (an ensemble's image is held out only
     *         where all its members with a list hold it out); empty when none has a list
     */
    private static Set<String> heldOutByAll(List<Path> bundles) {
        Set<String> heldOut = null;
        for (Path b : bundles) {
            Set<String> own = Datasets.readIdsIfPresent(b.resolve(TrainCommand.HELD_OUT_IDS_FILE));
            if (!own.isEmpty()) {
                if (heldOut == null) {
                    heldOut = new java.util.HashSet<>(own);
                } else {
                    heldOut.retainAll(own);
                }
            }
        }
        return heldOut == null ? Set.of() : heldOut;
    }

    /** @return the request of one sample, with the detector's points when a detector is given and passes the image */
    private static EstimationRequest request(Sample s, ImageDecoder decoder, LandmarkDetector detector) {
        GreyImage image = decoder.decode(s.image());
        EstimationRequest.Builder b = EstimationRequest.builder().setImage(image).optSourceId(s.id()).optSex(s.sex());
        if (detector != null) {
            LandmarkDetection d = detector.detect(image, s.id());
            if (d.ok()) {
                b.optLandmarks(d.landmarks().orElseThrow());
            }
        }
        return b.build();
    }

    private static Set<String> selectionIds(Path bundle) {
        Path file = bundle.resolve(SELECTION_FILE);
        if (!Files.isRegularFile(file)) {
            return Set.of();
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.skip(1).map(l -> l.split(",", 2)[0].trim()).filter(s -> !s.isEmpty())
                    .collect(java.util.stream.Collectors.toSet());
        } catch (IOException | UncheckedIOException e) {
            throw new BoneAgeException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void checkEmpty(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            try (Stream<Path> s = Files.list(folder)) {
                if (s.findAny().isPresent()) {
                    throw new ParameterException(spec.commandLine(), "--out " + folder + " is not empty; the calibrated copy needs"
                            + " a new folder");
                }
            }
        } else if (Files.exists(folder)) {
            throw new ParameterException(spec.commandLine(), "--out " + folder + " exists and is not a folder");
        }
    }

    /**
     * Copies the bundle's files into the new folder, not an older calibration; an ensemble's member folders are copied
     * too (other sub-folders are not).
     */
    private static void copyBundle(Path from, Path target) throws IOException {
        Files.createDirectories(target);
        Set<Path> members = new java.util.HashSet<>();
        if (EnsembleBundle.isEnsemble(from)) {
            EnsembleBundle.read(from).members().forEach(m -> members.add(m.folder().getFileName()));
        }
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f) && !f.getFileName().toString().equals(UncertaintyCalibration.BUNDLE_FILE_NAME)) {
                    Files.copy(f, target.resolve(f.getFileName()));
                } else if (Files.isDirectory(f) && members.contains(f.getFileName())) {
                    copyBundle(f, target.resolve(f.getFileName()));
                }
            }
        }
    }

    /** {@code absolute|scaled}. */
    static final class MethodConverter implements ITypeConverter<IntervalMethod> {
        @Override
        public IntervalMethod convert(String value) {
            try {
                return IntervalMethod.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown interval method '" + value + "': use one of "
                        + Arrays.stream(IntervalMethod.values()).map(m -> m.name().toLowerCase(Locale.ROOT)).toList());
            }
        }
    }
}
