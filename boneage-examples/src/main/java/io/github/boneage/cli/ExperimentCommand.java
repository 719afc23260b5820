package io.github.boneage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.core.metrics.MetricsAccumulator;
import io.github.boneage.djl.train.BoneAgeTrainer;
import io.github.boneage.djl.train.SexHandling;
import io.github.boneage.djl.train.TrainingReport;
import io.github.boneage.djl.train.net.Architecture;
import io.github.boneage.djl.train.net.BackboneSpec;
import io.github.boneage.preprocess.EqualizerSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code boneage experiment}: the three comparisons of Lee, Kim &amp; Kim (2020) on any RSNA-format set, at a scale a
 * 2-core CPU finishes in minutes. Table 1: sex-agnostic vs sex-specific models; Table 2: CaffeNet vs GoogLeNet vs
 * ResNet (the trainer's AlexNet, GoogLeNet and ResNet-50 stand in for them); Table 3: whole image vs ROI1 vs ROI2 vs
 * ROI3 (needs landmarks, from a CSV or detected automatically). Every cell trains a model on the same seeded split and
 * is scored on the held-out images; the result is {@code DIR/experiment.md}, rewritten after each cell.
 *
 * <p>Automatic landmarks come from a {@link LandmarkDetector} supplied to the constructor (the CLI's default: the
 * default detector, {@link LandmarkDetectors#defaultDetector()}); images its quality gate rejects are left out of Table 3 and reported.
 */
@Command(name = "experiment",
        mixinStandardHelpOptions = true,
        description = {"Reproduce the 2020 paper's Tables 1-3 at reduced scale on an RSNA-format set; writes DIR/experiment.md.",
            "Table 1: sex-agnostic vs sex-specific; Table 2: CaffeNet vs GoogLeNet vs ResNet stand-ins (per-sex);",
            "Table 3: whole vs ROI1 vs ROI2 vs ROI3 (per-sex, needs --landmarks). Trained models stay in DIR/runs;",
            "running again with the same DIR reuses finished cells. Exit code 3 when some cell or image failed."})
final class ExperimentCommand implements Callable<Integer> {

    /** The report's file name. */
    static final String REPORT_FILE = "experiment.md";

    /** The held-out ids of Tables 1 and 2, and of Table 3, one a line. */
    static final String HELD_OUT_IDS_FILE = "held-out-ids.txt";
    static final String HELD_OUT_IDS_TABLE3_FILE = "held-out-ids-table3.txt";

    /** AlexNet's 11x11/4 convolution and three 3x3/2 poolings need at least this input side. */
    static final int ALEXNET_MIN_SIZE = 67;

    /** The paper's networks and the trainer's architectures standing in for them. */
    enum Network {
        CAFFENET("CaffeNet", Architecture.ALEXNET),
        GOOGLENET("GoogLeNet", Architecture.GOOGLENET),
        RESNET("ResNet", Architecture.RESNET50);

        final String paperName;
        final Architecture defaultStandIn;

        Network(String paperName, Architecture defaultStandIn) {
            this.paperName = paperName;
            this.defaultStandIn = defaultStandIn;
        }
    }

    /** Which images a cell trains and validates on. */
    enum Subset {
        /** The split, limited. */
        ALL,
        /** The split restricted to images with landmarks, limited. */
        LANDMARKED
    }

    /**
     * One trained model of the experiment; cells of different tables with the same key share it.
     *
     * @param role        the paper network it stands for ({@code caffenet}, {@code googlenet}, {@code resnet}) or
     *                    {@code pretrained}
     * @param backbone    what is trained
     * @param label       the backbone as the tables name it
     * @param sexHandling per-sex or agnostic
     * @param roi         the region fed to the network
     * @param subset      its images
     */
    record Cell(String role, BackboneSpec backbone, String label, SexHandling sexHandling, RoiScheme roi, Subset subset) {
        String key() {
            return (role + "-" + backbone.name() + "-" + sexHandling.label() + "-" + roi.label() + "-" + subset.name())
                    .toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A cell's held-out figures, or why it failed.
     *
     * @param all     overall figures ({@code null} if failed)
     * @param male    male images' figures (may be {@code null})
     * @param female  female images' figures (may be {@code null})
     * @param trainingImages   images trained on
     * @param validationImages held-out images scored
     * @param minutes wall time of the training, or of the earlier run when reused
     * @param error   why it failed, or {@code null}
     */
    record CellResult(io.github.boneage.core.metrics.AgeMetrics all, io.github.boneage.core.metrics.AgeMetrics male,
            io.github.boneage.core.metrics.AgeMetrics female, int trainingImages, int validationImages, double minutes,
            String error) {
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of <id>.png / <id>.jpg images.")
    Path images;

    @Option(names = "--labels", required = true, paramLabel = "CSV", description = "Labels CSV with columns id,boneage,male.")
    Path labels;

    @Option(names = "--landmarks", paramLabel = "FILE|auto",
            description = "Landmarks CSV for Table 3, or 'auto' to detect them (when this build has a landmark detector).")
    String landmarks;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (experiment.md, runs/).")
    Path out;

    @Option(names = "--tables", paramLabel = "LIST", split = ",", defaultValue = "1,2,3",
            description = "Which tables, e.g. 1,2 (default: ${DEFAULT-VALUE}).")
    List<Integer> tables;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "700",
            description = "Images per cell, training plus held-out (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3", description = "Epochs per model (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--size", paramLabel = "N", defaultValue = "96", description = "Input side in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "16", description = "Images per iteration (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.15",
            description = "Share held out, split over the whole set before the limit (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "20260101",
            description = "Seed of the split and the trainings (default: ${DEFAULT-VALUE}, the default model's split).")
    long seed;

    @Option(names = "--stand-in", paramLabel = "NET=ARCH",
            description = "Replace a paper network's stand-in, e.g. resnet=resnet18 (NET: caffenet, googlenet or resnet; ARCH: a"
                    + " --backbone of train). Defaults: caffenet=alexnet, googlenet=googlenet, resnet=resnet50.")
    Map<String, String> standInOptions = new LinkedHashMap<>();

    @Option(names = "--pretrained", paramLabel = "FILE",
            description = "A TorchScript .pt backbone: replaces the GoogLeNet stand-in in Tables 1 and 3 and adds a row to Table 2.")
    String pretrained;

    private final Supplier<Optional<LandmarkDetector>> automaticLandmarks;
    private final Map<Network, Architecture> standIns = new java.util.EnumMap<>(Network.class);

    /** The CLI's constructor: automatic landmarks come from the default detector ({@link LandmarkDetectors}). */
    ExperimentCommand() {
        this(() -> Optional.of(LandmarkDetectors.defaultDetector()));
    }

    /** @param automaticLandmarks the detector {@code --landmarks auto} uses, if this build has one */
    ExperimentCommand(Supplier<Optional<LandmarkDetector>> automaticLandmarks) {
        this.automaticLandmarks = automaticLandmarks;
    }

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        Set<Integer> wanted = checkOptions();
        BackboneSpec pretrainedBackbone;
        try {
            pretrainedBackbone = pretrained == null ? null : TrainingSetup.pretrained(pretrained);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        LandmarkDetector detector = null;
        LandmarksTable landmarksTable = null;
        if (wanted.contains(3)) {
            if ("auto".equalsIgnoreCase(landmarks)) {
                detector = automaticLandmarks.get().orElseThrow(() -> new ParameterException(spec.commandLine(),
                        "--landmarks auto: automatic landmarks not available in this build; give a landmarks CSV"));
            } else {
                landmarksTable = Inputs.readLandmarks(Path.of(landmarks));
            }
        }
        RsnaDataset dataset = Datasets.read(images, labels, landmarksTable, false);
        List<String> problems = new ArrayList<>();
        dataset.problems().stream().filter(p -> p.kind().excludesSample()).forEach(p -> problems.add(p.toString()));
        Files.createDirectories(out.resolve("runs"));

        DatasetSplit allSplit = TrainingSetup.split(dataset.samples(), validationFraction, seed, limit);
        DatasetSplit landmarkSplit = null;
        String landmarkSource = null;
        if (wanted.contains(3)) {
            if (detector != null) {
                landmarkSource = "detected automatically (" + LandmarkDetectors.describe(detector) + ")";
                landmarkSplit = AutoLandmarks.attach(allSplit, detector, problems);
            } else {
                landmarkSource = landmarks;
                landmarkSplit = TrainingSetup.split(dataset.samples(), validationFraction, seed, limit,
                        s -> s.landmarks().isPresent());
            }
        }

        // Recorded so that anyone can check the cells were scored on held-out images only.
        allSplit.writeValidationIds(out.resolve(HELD_OUT_IDS_FILE));
        if (landmarkSplit != null) {
            landmarkSplit.writeValidationIds(out.resolve(HELD_OUT_IDS_TABLE3_FILE));
        }
        Map<Integer, List<Map.Entry<String, Cell>>> layout = layout(wanted, pretrainedBackbone);

        // originalArgs holds the whole command line, which starts with the subcommand's name when run from BoneAgeCli
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        String command = "boneage " + (!args.isEmpty() && args.get(0).equals(spec.name()) ? "" : spec.name() + " ")
                + String.join(" ", args);
        ExperimentReport report = new ExperimentReport(out.resolve(REPORT_FILE), command, describeSettings(dataset, allSplit, landmarkSplit,
                landmarkSource, pretrainedBackbone), layout);
        Map<String, CellResult> results = new HashMap<>();
        for (List<Map.Entry<String, Cell>> rows : layout.values()) {
            for (Map.Entry<String, Cell> row : rows) {
                Cell cell = row.getValue();
                if (!results.containsKey(cell.key())) {
                    DatasetSplit split = cell.subset() == Subset.ALL ? allSplit : landmarkSplit;
                    CellResult r = run(cell, split, problems);
                    results.put(cell.key(), r);
                    if (r.error() != null) {
                        problems.add("cell " + cell.key() + ": " + r.error());
                    }
                    report.write(results, (System.nanoTime() - start) / 60e9, false);
                }
            }
        }
        report.write(results, (System.nanoTime() - start) / 60e9, true);
        spec.commandLine().getOut().println(Files.readString(out.resolve(REPORT_FILE), StandardCharsets.UTF_8));
        spec.commandLine().getOut().flush();
        var err = spec.commandLine().getErr();
        problems.forEach(p -> err.println("boneage: " + p));
        err.flush();
        return problems.isEmpty() ? ExitCode.OK : ExitCode.PARTIAL;
    }

    private Set<Integer> checkOptions() {
        Set<Integer> wanted = new LinkedHashSet<>(tables);
        for (int t : wanted) {
            if (t < 1 || t > 3) {
                throw new ParameterException(spec.commandLine(), "--tables lists tables 1, 2 and 3 only, got " + t);
            }
        }
        if (limit < 4) {
            throw new ParameterException(spec.commandLine(), "--limit must be >= 4, got " + limit);
        }
        if (epochs < 1 || batch < 1 || size < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs, --batch and --size must be >= 1");
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new ParameterException(spec.commandLine(), "--val-fraction must be in (0, 1), got " + validationFraction);
        }
        for (Network n : Network.values()) {
            standIns.put(n, n.defaultStandIn);
        }
        for (Map.Entry<String, String> e : standInOptions.entrySet()) {
            Network n;
            try {
                n = Network.valueOf(e.getKey().trim().toUpperCase(Locale.ROOT));
                standIns.put(n, new TrainCommand.ArchitectureConverter().convert(e.getValue()));
            } catch (IllegalArgumentException | picocli.CommandLine.TypeConversionException ex) {
                throw new ParameterException(spec.commandLine(), "--stand-in " + e.getKey() + "=" + e.getValue()
                        + ": expected caffenet, googlenet or resnet = an architecture label (" + ex.getMessage() + ")");
            }
        }
        if ((wanted.contains(1) || wanted.contains(2)) && standIns.get(Network.CAFFENET) == Architecture.ALEXNET
                && size < ALEXNET_MIN_SIZE) {
            throw new ParameterException(spec.commandLine(), "Tables 1 and 2 train the CaffeNet stand-in (AlexNet), which needs"
                    + " --size >= " + ALEXNET_MIN_SIZE + ", got " + size);
        }
        if (wanted.contains(3) && landmarks == null) {
            throw new ParameterException(spec.commandLine(), "Table 3 (ROI1-3) needs --landmarks FILE or --landmarks auto");
        }
        return wanted;
    }

    private String label(Network n) {
        return n.paperName + " (" + standIns.get(n).label() + ")";
    }

    /** Each table's rows in order, each naming the cell whose figures it shows. */
    /**
     * Each table's rows in order, each naming the cell whose figures it shows. With a pretrained backbone, it takes the
     * GoogLeNet stand-in's place in Tables 1 and 3 and adds a row to Table 2.
     */
    private Map<Integer, List<Map.Entry<String, Cell>>> layout(Set<Integer> wanted, BackboneSpec pretrainedBackbone) {
        Map<Integer, List<Map.Entry<String, Cell>>> layout = new java.util.TreeMap<>();
        Map<Network, Cell> perSex = new java.util.EnumMap<>(Network.class);
        for (Network n : Network.values()) {
            perSex.put(n, new Cell(n.name(), BackboneSpec.scratch(standIns.get(n)), label(n), SexHandling.PER_SEX, RoiScheme.WHOLE,
                    Subset.ALL));
        }
        Cell main = pretrainedBackbone == null ? perSex.get(Network.GOOGLENET)
                : new Cell("pretrained", pretrainedBackbone, "pretrained " + pretrainedBackbone.name(), SexHandling.PER_SEX,
                        RoiScheme.WHOLE, Subset.ALL);
        if (wanted.contains(1)) {
            List<Map.Entry<String, Cell>> rows = new ArrayList<>();
            for (Cell aware : List.of(perSex.get(Network.CAFFENET), main)) {
                Cell agnostic = new Cell(aware.role(), aware.backbone(), aware.label(), SexHandling.AGNOSTIC, RoiScheme.WHOLE, Subset.ALL);
                rows.add(Map.entry(aware.label() + ", sex-agnostic", agnostic));
                rows.add(Map.entry(aware.label() + ", sex-specific", aware));
            }
            layout.put(1, rows);
        }
        if (wanted.contains(2)) {
            List<Map.Entry<String, Cell>> rows = new ArrayList<>();
            for (Network n : Network.values()) {
                rows.add(Map.entry(label(n), perSex.get(n)));
            }
            if (pretrainedBackbone != null) {
                rows.add(Map.entry(main.label(), main));
            }
            layout.put(2, rows);
        }
        if (wanted.contains(3)) {
            List<Map.Entry<String, Cell>> rows = new ArrayList<>();
            for (RoiScheme roi : List.of(RoiScheme.WHOLE, RoiScheme.ROI1, RoiScheme.ROI2, RoiScheme.ROI3)) {
                rows.add(Map.entry(roi == RoiScheme.WHOLE ? "whole image" : roi.label().toUpperCase(Locale.ROOT),
                        new Cell(main.role(), main.backbone(), main.label(), SexHandling.PER_SEX, roi, Subset.LANDMARKED)));
            }
            layout.put(3, rows);
        }
        return layout;
    }


    /** Trains the cell's model unless an earlier run finished it, then scores it; skipped images go to {@code problems}. */
    private CellResult run(Cell cell, DatasetSplit split, List<String> problems) {
        Path bundle = out.resolve("runs").resolve(cell.key());
        Path checkpoints = out.resolve("runs").resolve(cell.key() + ".checkpoints");
        try {
            if (!Files.isRegularFile(bundle.resolve(TrainingReport.FILE_NAME))) {
                ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr(), cell.key(), Progress.wanted(spec));
                try {
                    BoneAgeTrainer.builder()
                            .setSplit(split)
                            .setPreprocessSpec(TrainingSetup.preprocess(cell.roi(), EqualizerSpec.histeqMatlab(), size))
                            .setBackbone(cell.backbone())
                            .setOutputDirectory(bundle)
                            .optCheckpointDirectory(checkpoints)
                            .optDataName(images.toString())
                            .optSexHandling(cell.sexHandling())
                            .optSettings(TrainingSetup.settings(TrainingSetup.Solver.adamw, epochs, batch, seed))
                            .optModelName("experiment-" + cell.key())
                            .addListener(progress)
                            .build()
                            .train();
                } finally {
                    progress.close();
                    progress.skipped().forEach(p -> problems.add("cell " + cell.key() + " skipped " + p));
                }
            }
            return score(bundle, split);
        } catch (BoneAgeException | IllegalArgumentException | UncheckedIOException e) {
            return new CellResult(null, null, null, 0, 0, 0, e.getMessage());
        }
    }

    /** Reads the trainer's held-out predictions back and scores them overall and per sex. */
    private static CellResult score(Path bundle, DatasetSplit split) {
        JsonNode report;
        List<String> lines;
        try {
            report = new ObjectMapper().readTree(bundle.resolve(TrainingReport.FILE_NAME).toFile());
            lines = Files.readAllLines(bundle.resolve("validation-predictions.csv"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the results in " + bundle + ": " + e.getMessage(), e);
        }
        Map<String, Sex> sexes = new HashMap<>();
        split.validation().forEach(s -> sexes.put(s.id(), s.sex()));
        MetricsAccumulator acc = new MetricsAccumulator();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            acc.add(Double.parseDouble(f[1]), Double.parseDouble(f[2]), sexes.getOrDefault(f[0], Sex.UNKNOWN));
        }
        if (acc.size() == 0) {
            return new CellResult(null, null, null, report.path("trainingImages").asInt(), 0,
                    report.path("wallSeconds").asDouble() / 60, "no held-out images to score");
        }
        var m = acc.report();
        return new CellResult(m.overall(), m.forSex(Sex.MALE).orElse(null), m.forSex(Sex.FEMALE).orElse(null),
                report.path("trainingImages").asInt(), acc.size(), report.path("wallSeconds").asDouble() / 60, null);
    }

    private List<String> describeSettings(RsnaDataset dataset, DatasetSplit split, DatasetSplit landmarkSplit, String landmarkSource,
            BackboneSpec pretrainedBackbone) {
        List<String> s = new ArrayList<>();
        s.add("data: " + dataset.describe() + " (labels " + labels + ", images " + images + ")");
        s.add("split: " + split.description());
        s.add(String.format(Locale.ROOT, "images per cell (Tables 1-2): %d training, %d held-out (%d male, %d female)", split.train().size(),
                split.validation().size(), split.validation().stream().filter(x -> x.sex() == Sex.MALE).count(),
                split.validation().stream().filter(x -> x.sex() == Sex.FEMALE).count()));
        if (landmarkSplit != null) {
            s.add(String.format(Locale.ROOT, "images per cell (Table 3): %d training, %d held-out, those with landmarks %s",
                    landmarkSplit.train().size(), landmarkSplit.validation().size(), landmarkSource));
        }
        s.add(String.format(Locale.ROOT, "input: %d x %d px, MATLAB-style histeq, grey replicated to 3 channels, ImageNet"
                + " normalization", size, size));
        s.add(String.format(Locale.ROOT, "solver: AdamW, cosine schedule, L1 loss, standard augmentation; epochs %d, batch %d, seed %d",
                epochs, batch, seed));
        s.add(String.format(Locale.ROOT, "stand-ins: CaffeNet = %s, GoogLeNet = %s, ResNet = %s (the trainer's"
                + " architectures), %s", standIns.get(Network.CAFFENET).label(), standIns.get(Network.GOOGLENET).label(),
                standIns.get(Network.RESNET).label(), pretrainedBackbone == null
                        ? "all trained from scratch (random initialization; the paper fine-tuned ImageNet-pretrained Caffe models)"
                        : "trained from scratch; the pretrained TorchScript backbone " + pretrainedBackbone.name() + " ("
                                + pretrainedBackbone.location() + ") is fine-tuned in place of the GoogLeNet stand-in in Tables 1"
                                + " and 3 and as an extra row of Table 2"));
        s.add(String.format(Locale.ROOT, "machine: %d hardware threads, %s %s, Java %s", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version")));
        return s;
    }
}
