package io.github.boneage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.LinearCorrection;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.EnsembleBundle;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code boneage ensemble}: builds an ensemble bundle from trained bundles, its weights fitted on labelled images that
 * none of the members trained on. Each member is run once over the images (region members on the images whose
 * reference points the default detector located); the weights are the grid point (steps of {@value #STEP}, every
 * member at least one step) with the smallest MAD, counting an image without points by its whole-image members alone,
 * as the ensemble will estimate it ({@code --equal-weights} keeps equal weights instead). With {@code --correct} a
 * {@link LinearCorrection} per sex is then fitted on the same images' weighted means (least absolute deviations) and
 * written into the bundle.
 */
@Command(name = "ensemble",
        mixinStandardHelpOptions = true,
        description = {"Build an ensemble bundle of trained model bundles, the weights fitted on labelled images (an "
                + "RSNA-format set) that none of them trained on.",
            "Writes OUT with a copy of each member and boneage-ensemble.json; prints each member's and the ensemble's MAD."})
final class EnsembleCommand implements Callable<Integer> {

    /** The weight grid's step. */
    static final double STEP = 0.05;

    /**
     * The most members a fit takes. Each member is a forward pass per estimate, and the grid grows as the binomial
     * coefficient C(1/STEP - 1, members - 1): six members are 11,628 weight vectors, seconds on a 500-image set.
     */
    static final int MAX_MEMBERS = 6;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--member", required = true, paramLabel = "NAME=BUNDLE",
            description = "A member: the sub-folder name it gets in OUT, '=', and its bundle folder (two to "
                    + MAX_MEMBERS + ").")
    List<String> members;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of <id>.png / <id>.jpg images.")
    Path images;

    @Option(names = "--labels", required = true, paramLabel = "CSV", description = "Labels CSV with columns id,boneage,male.")
    Path labels;

    @Option(names = "--ids", required = true, paramLabel = "FILE",
            description = "The ids to fit the weights on, one a line: images no member trained on.")
    Path idsFile;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The ensemble's name in results.")
    String name;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The ensemble bundle folder to create (absent or empty).")
    Path out;

    @Option(names = "--equal-weights",
            description = "Give every member the same weight instead of fitting the weights on the images (the fit "
                    + "favours the images it was fitted on; on 500 images, equal weights did as well on images left out).")
    boolean equalWeights;

    @Option(names = "--correct",
            description = "Also fit a straight-line correction of the ensemble's estimate per sex (least absolute "
                    + "deviations, on the same images, at least " + LinearCorrection.MIN_IMAGES + " of the sex) and "
                    + "write it into the bundle; patients of unknown sex are not corrected.")
    boolean correct;

    @Override
    public Integer call() throws IOException {
        Map<String, Path> named = new LinkedHashMap<>();
        for (String m : members) {
            int eq = m.indexOf('=');
            if (eq <= 0 || eq == m.length() - 1) {
                throw new ParameterException(spec.commandLine(), "--member must be NAME=BUNDLE, got '" + m + "'");
            }
            String memberName = m.substring(0, eq);
            if (!memberName.matches("[A-Za-z0-9._-]+") || memberName.startsWith(".")) {
                throw new ParameterException(spec.commandLine(), "--member name '" + memberName + "' must be a plain folder name");
            }
            Path bundle = Path.of(m.substring(eq + 1));
            if (!Files.isRegularFile(bundle.resolve("boneage-model.json"))) {
                throw new ParameterException(spec.commandLine(), "--member " + memberName + ": " + bundle
                        + " is not a model bundle folder (no boneage-model.json)");
            }
            if (named.put(memberName, bundle) != null) {
                throw new ParameterException(spec.commandLine(), "--member name '" + memberName + "' given twice");
            }
        }
        if (named.size() < 2 || named.size() > MAX_MEMBERS) {
            throw new ParameterException(spec.commandLine(), "give two to " + MAX_MEMBERS + " --member options, got "
                    + named.size());
        }
        if (Files.exists(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new ParameterException(spec.commandLine(), "--out " + out + " exists and is not empty");
                }
            }
        }
        RsnaDataset dataset = Datasets.read(images, labels, null, false);
        Set<String> wanted = Datasets.readIds(idsFile);
        List<Sample> samples = dataset.samples().stream().filter(s -> wanted.contains(s.id())).toList();
        if (samples.size() < 10) {
            throw new ParameterException(spec.commandLine(), "--ids: only " + samples.size() + " of the listed ids have a "
                    + "labelled image; fitting weights needs at least 10");
        }
        PrintWriter o = spec.commandLine().getOut();
        List<String> problems = new ArrayList<>();
        samples = AutoLandmarks.withDetectedPoints(samples, LandmarkDetectors.defaultDetector(), problems);
        long withPoints = samples.stream().filter(s -> s.landmarks().isPresent()).count();
        o.printf(Locale.ROOT, "%d images; reference points located on %d%n", samples.size(), withPoints);
        List<String> sampleIds = samples.stream().map(Sample::id).toList();
        for (Map.Entry<String, Path> member : named.entrySet()) {
            Set<String> trainedOn = TrainedOnCheck.listedAsTrainedOn(sampleIds, member.getValue());
            if (!trainedOn.isEmpty()) {
                // Weights fitted on a member's training images favour that member: the fit would not be honest.
                o.println(TrainedOnCheck.warning(trainedOn, samples.size(), "member " + member.getKey()));
            }
        }

        List<Map<String, Double>> readings = new ArrayList<>();
        List<Boolean> region = new ArrayList<>();
        List<String> names = new ArrayList<>(named.keySet());
        for (String memberName : names) {
            try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(named.get(memberName)).build()) {
                boolean readsRegion = estimator.roiScheme().map(RoiScheme::needsLandmarks).orElse(true);
                List<Sample> mine = readsRegion ? samples.stream().filter(s -> s.landmarks().isPresent()).toList() : samples;
                readings.add(read(estimator, mine, problems, memberName));
                region.add(readsRegion);
            }
        }
        if (!region.contains(false)) {
            throw new ParameterException(spec.commandLine(), "no member reads the whole image: an ensemble needs one to "
                    + "estimate images without reference points");
        }
        Map<String, Double> truth = new HashMap<>();
        samples.forEach(s -> truth.put(s.id(), s.boneAgeMonths()));
        // Images every whole-image member read; an image a region member did not read counts by the others alone.
        List<String> ids = samples.stream().map(Sample::id).filter(id -> readByEveryWholeMember(id, region, readings)).toList();
        for (int k = 0; k < names.size(); k++) {
            Map<String, Double> r = readings.get(k);
            double mad = r.entrySet().stream().mapToDouble(e -> Math.abs(e.getValue() - truth.get(e.getKey()))).average().orElse(Double.NaN);
            o.printf(Locale.ROOT, "member %s: MAD %.2f months on the %d images it read%n", names.get(k), mad, r.size());
        }
        double[] best = null;
        double bestMad = Double.POSITIVE_INFINITY;
        for (double[] w : grid(names.size())) {
            double mad = mad(w, ids, readings, truth);
            if (mad < bestMad - 1e-12) {
                bestMad = mad;
                best = w;
            }
        }
        double[] equal = new double[names.size()];
        java.util.Arrays.fill(equal, 1.0 / names.size());
        double equalMad = mad(equal, ids, readings, truth);
        o.printf(Locale.ROOT, "ensemble on %d images: MAD %.2f months with the fitted weights %s (equal weights: %.2f)%n",
                ids.size(), bestMad, describe(names, best), equalMad);
        if (equalWeights) {
            best = equal;
            bestMad = equalMad;
            o.println("--equal-weights: the ensemble keeps equal weights");
        }
        Map<Sex, LinearCorrection> corrections = new EnumMap<>(Sex.class);
        double correctedMad = bestMad;
        if (correct) {
            Map<String, Sex> sexes = new HashMap<>();
            samples.forEach(s -> sexes.put(s.id(), s.sex()));
            Map<String, Double> means = new HashMap<>();
            for (String id : ids) {
                means.put(id, weightedMean(best, id, readings));
            }
            for (Sex sex : List.of(Sex.MALE, Sex.FEMALE)) {
                List<String> these = ids.stream().filter(id -> sexes.get(id) == sex).toList();
                String label = sex.name().toLowerCase(Locale.ROOT);
                if (these.size() < LinearCorrection.MIN_IMAGES) {
                    o.printf(Locale.ROOT, "no correction for %s patients: %d images of that sex, a fit needs %d%n", label,
                            these.size(), LinearCorrection.MIN_IMAGES);
                    continue;
                }
                double[] estimates = these.stream().mapToDouble(means::get).toArray();
                double[] references = these.stream().mapToDouble(truth::get).toArray();
                LinearCorrection fitted;
                try {
                    fitted = LinearCorrection.fitLeastAbsolute(estimates, references);
                } catch (IllegalArgumentException e) {
                    spec.commandLine().getErr().println("boneage: --correct, " + label + " patients: " + e.getMessage()
                            + "; nothing written");
                    return ExitCode.FAILURE;
                }
                corrections.put(sex, fitted);
                double before = new LinearCorrection(0, 1).meanAbsoluteError(estimates, references);
                o.printf(Locale.ROOT, "correction for %s patients (%d images): estimate %s; MAD %.2f -> %.2f months on these"
                        + " images (fitted on them: optimistic)%n", label, these.size(), fitted, before,
                        fitted.meanAbsoluteError(estimates, references));
            }
            correctedMad = ids.stream().mapToDouble(id -> {
                LinearCorrection c = corrections.get(sexes.get(id));
                double mean = means.get(id);
                return Math.abs((c == null ? mean : c.apply(mean)) - truth.get(id));
            }).average().orElse(Double.NaN);
            o.printf(Locale.ROOT, "ensemble on %d images with the correction: MAD %.2f months (optimistic: fitted on them)%n",
                    ids.size(), correctedMad);
        }
        write(named, names, best, bestMad, correctedMad, ids.size(), withPoints, corrections);
        o.println("wrote " + out.resolve(EnsembleBundle.FILE_NAME));
        o.flush();
        PrintWriter err = spec.commandLine().getErr();
        problems.forEach(p -> err.println("boneage: " + p));
        err.flush();
        return problems.isEmpty() ? ExitCode.OK : ExitCode.PARTIAL;
    }

    private static boolean readByEveryWholeMember(String id, List<Boolean> region, List<Map<String, Double>> readings) {
        for (int k = 0; k < region.size(); k++) {
            if (!region.get(k) && !readings.get(k).containsKey(id)) {
                return false;
            }
        }
        return true;
    }

    private Map<String, Double> read(BoneAgeEstimator estimator, List<Sample> samples, List<String> problems, String member) {
        List<EvaluateCommand.Prediction> results = new ArrayList<>();
        List<EvaluateCommand.Failure> failures = new ArrayList<>();
        try (Progress progress = Progress.start(spec, member, samples.size())) {
            EvaluateCommand.estimateAll(estimator, null, samples, results, failures, progress);
        }
        failures.forEach(f -> problems.add(member + ": " + f.file() + ": " + f.reason()));
        Map<String, Double> byId = new HashMap<>();
        results.forEach(r -> byId.put(r.id(), r.predicted()));
        return byId;
    }

    /** @return every weight vector on the simplex in steps of {@link #STEP}, each weight at least one step */
    static List<double[]> grid(int members) {
        int steps = (int) Math.round(1 / STEP);
        List<double[]> out = new ArrayList<>();
        fill(new int[members], 0, steps, out, steps);
        return out;
    }

    private static void fill(int[] counts, int k, int left, List<double[]> out, int steps) {
        if (k == counts.length - 1) {
            if (left >= 1) {
                counts[k] = left;
                double[] w = new double[counts.length];
                for (int i = 0; i < w.length; i++) {
                    w[i] = counts[i] / (double) steps;
                }
                out.add(w);
            }
            return;
        }
        for (int c = 1; c <= left - (counts.length - 1 - k); c++) {
            counts[k] = c;
            fill(counts, k + 1, left - c, out, steps);
        }
    }

    /** @return the MAD of the weighted mean, renormalized per image over the members that read it */
    static double mad(double[] w, List<String> ids, List<Map<String, Double>> readings, Map<String, Double> truth) {
        double sum = 0;
        for (String id : ids) {
            sum += Math.abs(weightedMean(w, id, readings) - truth.get(id));
        }
        return sum / ids.size();
    }

    /** @return one image's weighted mean, renormalized over the members that read it */
    private static double weightedMean(double[] w, String id, List<Map<String, Double>> readings) {
        double value = 0;
        double weights = 0;
        for (int k = 0; k < w.length; k++) {
            Double r = readings.get(k).get(id);
            if (r != null) {
                value += w[k] * r;
                weights += w[k];
            }
        }
        return value / weights;
    }

    private static String describe(List<String> names, double[] w) {
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            parts.add(String.format(Locale.ROOT, "%s %.2f", names.get(k), w[k]));
        }
        return String.join(", ", parts);
    }

    private void write(Map<String, Path> named, List<String> names, double[] w, double mad, double correctedMad, int n,
            long withPoints, Map<Sex, LinearCorrection> corrections) throws IOException {
        Files.createDirectories(out);
        for (String memberName : names) {
            copyFolder(named.get(memberName), out.resolve(memberName));
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("format", EnsembleBundle.FORMAT);
        root.put("name", name);
        ArrayNode list = root.putArray("members");
        for (int k = 0; k < names.size(); k++) {
            list.addObject().put("bundle", names.get(k)).put("weight", w[k]);
        }
        if (!corrections.isEmpty()) {
            ObjectNode c = root.putObject("correction");
            corrections.forEach((sex, line) -> c.putObject(sex.name().toLowerCase(Locale.ROOT))
                    .put("intercept", line.intercept()).put("slope", line.slope()));
        }
        ObjectNode provenance = root.putObject("provenance");
        provenance.put("trainingData", "see the members' provenance");
        provenance.put("split", String.format(Locale.ROOT, (equalWeights ? "equal weights, measured" : "weights fitted")
                + " on %d labelled images (ids %s, labels %s; reference"
                + " points located on %d), none trained on by a member", n, idsFile.getFileName(), labels.getFileName(), withPoints));
        ObjectNode settings = provenance.putObject("trainerSettings");
        settings.put("weights", describe(names, w));
        settings.put("weightGridStep", equalWeights ? "none: --equal-weights" : Double.toString(STEP));
        if (!corrections.isEmpty()) {
            settings.put("correction", "per sex, least absolute deviations on the same images: " + corrections);
        }
        settings.put("command", "boneage " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        ObjectNode metrics = provenance.putObject("validationMetrics").put("mad", mad);
        if (!corrections.isEmpty()) {
            metrics.put("madCorrected", correctedMad);
        }
        provenance.put("libraryVersion", new VersionProvider().getVersion()[0]);
        provenance.put("createdAt", Instant.now().toString());
        Files.writeString(out.resolve(EnsembleBundle.FILE_NAME), mapper.writeValueAsString(root), StandardCharsets.UTF_8);
        EnsembleBundle.read(out);
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
    }
}
