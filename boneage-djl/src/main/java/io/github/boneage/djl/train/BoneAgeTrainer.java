package io.github.boneage.djl.train;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.core.Sex;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.metrics.AgeMetrics;
import io.github.boneage.djl.ModelBundleWriter;
import io.github.boneage.djl.impl.OneDnnIsa;
import io.github.boneage.djl.manifest.BlockSpec;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.djl.train.data.ImageCache;
import io.github.boneage.djl.train.data.Seeds;
import io.github.boneage.djl.train.data.TensorWriter;
import io.github.boneage.djl.train.impl.Json;
import io.github.boneage.djl.train.impl.NetworkJob;
import io.github.boneage.djl.train.impl.NetworkOutcome;
import io.github.boneage.djl.train.impl.NetworkRun;
import io.github.boneage.djl.train.net.BackboneSpec;
import io.github.boneage.djl.train.net.BoneAgeBlockFactory;
import io.github.boneage.djl.train.net.BoneAgeNetwork;
import io.github.boneage.djl.train.net.HeadSpec;
import io.github.boneage.djl.train.net.NetworkSpec;
import io.github.boneage.preprocess.PreparedImage;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.preprocess.Preprocessor;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tunes or trains a bone-age regressor (GoogLeNet, ResNet, AlexNet/CaffeNet, MobileNetV2, a TorchScript backbone,
 * or a small CNN) on DJL's PyTorch engine and writes a {@code djl-params} model bundle that
 * {@code DjlBoneAgeEstimator} loads, with a training report.
 *
 * <p>Every image is decoded and preprocessed once into an in-memory cache of compact grey samples (optionally
 * persisted to a file); background threads then assemble augmented, normalized batches ahead of the training step.
 * Runs are seeded and resumable: the data order, augmentation and dropout at an iteration depend only on the seed and
 * the iteration, and checkpoints hold the weights, the optimizer's moments and the loop's state.
 *
 * <pre>{@code
 * TrainingReport report = BoneAgeTrainer.builder()
 *         .setSplit(FractionSplit.builder().setValidationFraction(0.15).setSeed(7).build().split(dataset.samples()))
 *         .setPreprocessSpec(new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.clahe(), 160, 3,
 *                 PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD))
 *         .setBackbone(BackboneSpec.torchScript(Path.of("mobilenetv2-imagenet.pt"), "mobilenetv2-imagenet-int8"))
 *         .setOutputDirectory(Path.of("models/boneage-mobilenetv2"))
 *         .optSexHandling(SexHandling.SEX_INPUT)
 *         .optSettings(TrainingSettings.builder().optEpochs(20).build())
 *         .build()
 *         .train();
 * }</pre>
 */
public final class BoneAgeTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(BoneAgeTrainer.class);
    private static final String PREDICTIONS_FILE = "validation-predictions.csv";
    /** The file, in the written bundle, listing the ids of the images the network was trained on, one per line. */
    public static final String TRAINING_IDS_FILE = "training-ids.txt";
    private static final double CHECKPOINT_FORMAT = 1;

    private final List<TrainingExample> training;
    private final List<TrainingExample> validation;
    private final double validationFraction;
    private final String dataName;
    private final String splitDescription;
    private final PreprocessSpec preprocess;
    private final BackboneSpec backbone;
    private final Path outputDirectory;
    private final Path checkpointDirectory;
    private final boolean resume;
    private final Path cacheFile;
    private final SexHandling sexHandling;
    private final HeadSpec head;
    private final boolean chronologicalAgeInput;
    private final TrainingSettings settings;
    private final String modelName;
    private final String description;
    private final int cacheThreads;
    private final List<TrainingProgressListener> listeners;
    /** The starting bundle's name and weights, set by {@link #startingSpec()} when fine-tuning a bundle. */
    private String startedFrom;

    private BoneAgeTrainer(Builder b) {
        this.training = List.copyOf(b.training);
        this.validation = List.copyOf(b.validation);
        this.validationFraction = b.validationFraction;
        this.dataName = b.dataName;
        this.splitDescription = b.splitDescription;
        this.preprocess = b.preprocess;
        this.backbone = b.backbone;
        this.outputDirectory = b.outputDirectory;
        this.checkpointDirectory = b.checkpointDirectory != null ? b.checkpointDirectory
                : b.outputDirectory.toAbsolutePath().resolveSibling(b.outputDirectory.getFileName() + ".checkpoints");
        this.resume = b.resume;
        this.cacheFile = b.cacheFile;
        this.sexHandling = b.sexHandling;
        this.head = b.head;
        this.chronologicalAgeInput = b.chronologicalAgeInput;
        this.settings = b.settings;
        this.modelName = b.modelName != null ? b.modelName : "boneage-" + b.backbone.name();
        this.description = b.description;
        this.cacheThreads = b.cacheThreads;
        this.listeners = List.copyOf(b.listeners);
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the folder the bundle is written to */
    public Path outputDirectory() {
        return outputDirectory;
    }

    /** @return the folder checkpoints are written to (and resumed from) */
    public Path checkpointDirectory() {
        return checkpointDirectory;
    }

    /**
     * Runs the training (or resumes it from the checkpoint folder) and writes the bundle, its
     * {@value TrainingReport#FILE_NAME} and {@code validation-predictions.csv}.
     *
     * @return the report
     * @throws TrainingException for empty or unusable data, per-sex training without both sexes, a missing
     *                           chronological age, a diverged run, a checkpoint from another run, or I/O failures
     */
    public TrainingReport train() {
        long start = System.nanoTime();
        BoneAgeNetwork.engine();
        boolean linux = System.getProperty("os.name", "").startsWith("Linux");
        if (!BoneAgeNetwork.hugePageTensors() && linux) {
            LOG.warn("{} is not 1: PyTorch maps every training tensor in 4 KiB pages and training can run several"
                    + " times slower; start the JVM with {}=1 (the ./boneage launcher does)",
                    BoneAgeNetwork.HUGE_PAGE_VARIABLE, BoneAgeNetwork.HUGE_PAGE_VARIABLE);
        }
        if (!BoneAgeNetwork.singleMallocArena() && linux) {
            LOG.info("GLIBC_TUNABLES does not limit malloc to one arena: each training step maps its largest tensors afresh;"
                    + " start the JVM with GLIBC_TUNABLES={} for faster training (the ./boneage launcher does)",
                    BoneAgeNetwork.TRAINING_MALLOC_TUNABLES);
        }
        checkOutputFolder();
        NetworkSpec startSpec = startingSpec();
        List<TrainingExample> trainSet = new ArrayList<>(training);
        List<TrainingExample> validationSet = new ArrayList<>(validation);
        if (validationSet.isEmpty() && validationFraction > 0) {
            splitOff(trainSet, validationSet);
        }
        checkExamples(trainSet, validationSet);

        List<TrainingExample> all = new ArrayList<>(trainSet);
        all.addAll(validationSet);
        ImageCache cache = buildCache(all);
        List<TrainingReport.SkippedImage> skipped = new ArrayList<>();
        List<Integer> trainMembers = new ArrayList<>();
        List<Integer> validationMembers = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (cache.usable(i)) {
                (i < trainSet.size() ? trainMembers : validationMembers).add(i);
            } else {
                String id = all.get(i).id();
                String reason = cache.failure(i);
                skipped.add(new TrainingReport.SkippedImage(id, reason));
                LOG.warn("image {} skipped: {}", id, reason);
                listeners.forEach(l -> l.onImageSkipped(id, reason));
            }
        }
        if (trainMembers.isEmpty()) {
            throw new TrainingException("none of the " + trainSet.size() + " training images could be used (first problem: "
                    + (skipped.isEmpty() ? "none" : skipped.get(0).id() + ": " + skipped.get(0).reason()) + ")");
        }
        List<TrainingExample> usableTrain = trainMembers.stream().map(all::get).toList();
        checkSexes(usableTrain, validationMembers.stream().map(all::get).toList(), "after skipping unreadable images");

        // Fine-tuning keeps the starting network's target scaling: its head was trained to produce exactly those units.
        double[] scaling = startSpec != null ? new double[] {startSpec.targetMean(), startSpec.targetStd()} : targetScaling(usableTrain);
        TensorWriter writer = new TensorWriter(preprocess);
        String fingerprint = fingerprint(trainSet, validationSet);
        List<String> groups = sexHandling == SexHandling.PER_SEX ? List.of("male", "female") : List.of("agnostic");
        List<NetworkOutcome> outcomes = new ArrayList<>();
        List<int[]> groupValidation = new ArrayList<>();
        for (String group : groups) {
            int[] trainIdx = select(all, trainMembers, group);
            int[] valIdx = select(all, validationMembers, group);
            NetworkSpec spec = startSpec != null ? startSpec : networkSpec(scaling);
            NetworkJob job = new NetworkJob(group, spec, backbone, settings, cache, writer, trainIdx,
                    labels(all, trainIdx, spec), spec.head().outputs(), auxiliary(all, trainIdx, spec), valIdx,
                    Arrays.stream(valIdx).mapToDouble(i -> all.get(i).boneAgeMonths()).toArray(), auxiliary(all, valIdx, spec),
                    checkpointDirectory.resolve(group), resume, fingerprint + "/" + group, listeners);
            outcomes.add(new NetworkRun(job).run());
            groupValidation.add(valIdx);
        }

        int validationCount = validationMembers.size();
        double[] reference = new double[validationCount];
        double[] estimate = new double[validationCount];
        String[] ids = new String[validationCount];
        int k = 0;
        for (int g = 0; g < groups.size(); g++) {
            int[] valIdx = groupValidation.get(g);
            double[] predictions = outcomes.get(g).validationPredictions();
            for (int j = 0; j < valIdx.length; j++) {
                ids[k] = all.get(valIdx[j]).id();
                reference[k] = all.get(valIdx[j]).boneAgeMonths();
                estimate[k++] = predictions[j];
            }
        }
        AgeMetrics metrics = validationCount > 0 ? AgeMetrics.of(reference, estimate) : null;
        double wall = (System.nanoTime() - start) / 1e9;
        TrainingReport report = new TrainingReport(modelName, Instant.now().toString(), outputDirectory.toAbsolutePath().toString(),
                sexHandling.label(), backbone.name(), preprocess, settings, trainMembers.size(), validationCount,
                metrics == null ? Double.NaN : metrics.mad(), metrics == null ? Double.NaN : metrics.ccc(), cache.buildSeconds(),
                cache.bytes(), wall, outcomes.stream().map(NetworkOutcome::report).toList(), skipped);
        writeBundle(outcomes, groups, scaling, report, metrics);
        writeExtras(report, ids, reference, estimate, usableTrain);
        listeners.forEach(l -> l.onFinish(report));
        return report;
    }

    private void checkOutputFolder() {
        if (Files.isDirectory(outputDirectory)) {
            try (Stream<Path> s = Files.list(outputDirectory)) {
                if (s.findAny().isPresent()) {
                    throw new TrainingException("output folder " + outputDirectory + " is not empty; the bundle needs a new folder");
                }
            } catch (IOException e) {
                throw new TrainingException("cannot read output folder " + outputDirectory + ": " + e.getMessage(), e);
            }
        } else if (Files.exists(outputDirectory)) {
            throw new TrainingException("output path " + outputDirectory + " exists and is not a folder");
        }
    }

    /** Moves a seeded, sex-stratified fraction of the training examples to validation. */
    private void splitOff(List<TrainingExample> trainSet, List<TrainingExample> validationSet) {
        List<TrainingExample> kept = new ArrayList<>();
        for (Sex sex : Sex.values()) {
            List<TrainingExample> ofSex = new ArrayList<>(trainSet.stream().filter(e -> e.sex() == sex).toList());
            SplittableRandom random = new SplittableRandom(Seeds.derive(settings.seed(), 6, sex.ordinal()));
            for (int i = ofSex.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                TrainingExample t = ofSex.get(i);
                ofSex.set(i, ofSex.get(j));
                ofSex.set(j, t);
            }
            int held = (int) Math.round(ofSex.size() * validationFraction);
            validationSet.addAll(ofSex.subList(0, held));
            kept.addAll(ofSex.subList(held, ofSex.size()));
        }
        trainSet.clear();
        trainSet.addAll(kept);
    }

    private void checkExamples(List<TrainingExample> trainSet, List<TrainingExample> validationSet) {
        if (trainSet.isEmpty()) {
            throw new TrainingException("the training data is empty");
        }
        if (preprocess.size() <= 0) {
            throw new TrainingException("training needs a fixed input size, but the preprocessing spec's size is "
                    + preprocess.size() + " (keep the crop's size): set a size such as 224");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (TrainingExample e : trainSet) {
            if (!seen.add(e.id())) {
                throw new TrainingException("training example id " + e.id() + " appears twice");
            }
        }
        for (TrainingExample e : validationSet) {
            if (!seen.add(e.id())) {
                throw new TrainingException("example " + e.id() + " is both a training and a validation example (or appears twice)");
            }
        }
        if (chronologicalAgeInput) {
            Stream.concat(trainSet.stream(), validationSet.stream()).filter(e -> e.chronologicalAgeMonths() == null).findFirst()
                    .ifPresent(e -> {
                        throw new TrainingException("chronological-age input asked for, but example " + e.id()
                                + " has no chronological age");
                    });
        }
        checkSexes(trainSet, validationSet, "");
    }

    private void checkSexes(List<TrainingExample> trainSet, List<TrainingExample> validationSet, String when) {
        if (sexHandling != SexHandling.PER_SEX) {
            return;
        }
        String suffix = when.isEmpty() ? "" : " (" + when + ")";
        long male = trainSet.stream().filter(e -> e.sex() == Sex.MALE).count();
        long female = trainSet.stream().filter(e -> e.sex() == Sex.FEMALE).count();
        if (male == 0 || female == 0) {
            throw new TrainingException("per-sex training needs training images of both sexes, but the training data has "
                    + male + " male and " + female + " female images" + suffix + "; use sex-input or agnostic instead");
        }
        Stream.concat(trainSet.stream(), validationSet.stream()).filter(e -> e.sex() == Sex.UNKNOWN).findFirst().ifPresent(e -> {
            throw new TrainingException("per-sex training cannot use example " + e.id() + " of unknown sex");
        });
    }

    private ImageCache buildCache(List<TrainingExample> all) {
        Preprocessor preprocessor = new Preprocessor(preprocess);
        ImageDecoder decoder = ImageDecoder.create();
        int size = preprocess.size();
        try {
            return ImageCache.build(all.size(), i -> {
                TrainingExample e = all.get(i);
                GreyImage image = e.image() != null ? e.image() : decoder.decode(e.imageFile());
                PreparedImage prepared = preprocessor.prepare(image, e.landmarks());
                GreyImage out = prepared.image();
                if (out.width() != size || out.height() != size) {
                    throw new BoneAgeException("prepared image of " + e.id() + " is " + out.width() + "x" + out.height()
                            + ", expected " + size + "x" + size);
                }
                return out;
            }, cacheThreads, cacheFile, cacheKey(all));
        } catch (IOException e) {
            throw new TrainingException("cannot build the image cache" + (cacheFile == null ? "" : " " + cacheFile) + ": "
                    + e.getMessage(), e);
        }
    }

    private String cacheKey(List<TrainingExample> all) {
        StringBuilder sb = new StringBuilder(preprocess.toString());
        for (TrainingExample e : all) {
            sb.append('\n').append(e.id()).append(' ');
            if (e.imageFile() != null) {
                sb.append(e.imageFile().toAbsolutePath());
                try {
                    sb.append(' ').append(Files.size(e.imageFile())).append(' ').append(Files.getLastModifiedTime(e.imageFile()));
                } catch (IOException ex) {
                    sb.append(" unreadable");
                }
            } else {
                sb.append("memory ").append(e.image().width()).append('x').append(e.image().height()).append(' ')
                        .append(contentHash(e.image()));
            }
            if (e.landmarks() != null) {
                sb.append(' ').append(e.landmarks());
            }
        }
        return sha256(sb.toString());
    }

    private static int contentHash(GreyImage image) {
        if (image instanceof io.github.boneage.core.image.GreyImage8 g8) {
            return Arrays.hashCode(g8.data());
        }
        return Arrays.hashCode(((io.github.boneage.core.image.GreyImage16) image).data());
    }

    private double[] targetScaling(List<TrainingExample> usableTrain) {
        if (!settings.targetScaling()) {
            return new double[] {0, 1};
        }
        double mean = usableTrain.stream().mapToDouble(TrainingExample::boneAgeMonths).average().orElse(0);
        double variance = usableTrain.stream().mapToDouble(e -> (e.boneAgeMonths() - mean) * (e.boneAgeMonths() - mean))
                .average().orElse(0);
        double std = Math.sqrt(variance);
        return new double[] {mean, std > 1e-6 ? std : 1};
    }

    /**
     * For a {@link BackboneSpec.Source#BUNDLE} start: reads the bundle's network spec and checks that this run's
     * preprocessing, sex handling, head and inputs are the bundle's (a different input would make its weights
     * meaningless).
     *
     * @return the bundle's network spec, or {@code null} when not fine-tuning a bundle
     */
    private NetworkSpec startingSpec() {
        if (backbone.source() != BackboneSpec.Source.BUNDLE) {
            return null;
        }
        Path folder = Path.of(backbone.location());
        io.github.boneage.djl.manifest.ModelManifest manifest;
        try (io.github.boneage.djl.ModelBundle bundle = io.github.boneage.djl.ModelBundle.load(folder)) {
            manifest = bundle.manifest();
        } catch (io.github.boneage.core.BoneAgeException e) {
            throw new TrainingException("cannot fine-tune model bundle " + folder + ": " + e.getMessage(), e);
        }
        if (manifest.block() == null || !BoneAgeBlockFactory.NAME.equals(manifest.block().factory())) {
            throw new TrainingException("cannot fine-tune model bundle " + folder + ": it was not written by the bone-age trainer"
                    + " (needs block factory " + BoneAgeBlockFactory.NAME + ")");
        }
        NetworkSpec spec = NetworkSpec.fromArguments(manifest.block().arguments());
        List<String> differences = new ArrayList<>();
        // The crop and the equalizer may change (a whole-hand model is a good start for an ROI model), and so may the
        // size where the network reads any; the channels and normalization may not.
        PreprocessSpec bundleInput = manifest.preprocessing().withRoi(preprocess.roi()).withEqualizer(preprocess.equalizer());
        if (spec.readsAnyInputSize()) {
            bundleInput = bundleInput.withSize(preprocess.size());
        }
        if (!bundleInput.equals(preprocess)) {
            differences.add("preprocessing " + preprocess + " (the bundle's: " + manifest.preprocessing() + ")");
        }
        String bundleSex = manifest.sexHandling().mode().name().toLowerCase(Locale.ROOT).replace('_', '-');
        if (!bundleSex.equals(sexHandling.label())) {
            differences.add("sex handling " + sexHandling.label() + " (the bundle's: " + bundleSex + ")");
        }
        if (!spec.head().equals(head)) {
            differences.add("head " + head + " (the bundle's: " + spec.head() + ")");
        }
        if (spec.chronologicalAgeInput() != chronologicalAgeInput) {
            differences.add("chronological-age input " + chronologicalAgeInput + " (the bundle's: " + spec.chronologicalAgeInput() + ")");
        }
        if (!differences.isEmpty()) {
            throw new TrainingException("cannot fine-tune model bundle " + folder + " with a different " + String.join(", ", differences));
        }
        startedFrom = manifest.name() + " (" + folder + "; weights sha256 " + manifest.weights().stream()
                .map(w -> w.role().label() + " " + w.sha256().substring(0, Math.min(12, w.sha256().length())))
                .collect(java.util.stream.Collectors.joining(", ")) + ")";
        return spec.withInputSize(preprocess.size());
    }

    private NetworkSpec networkSpec(double[] scaling) {
        String format = backbone.pretrained() ? NetworkSpec.FORMAT_TORCHSCRIPT_BACKBONE : NetworkSpec.FORMAT_DJL;
        return new NetworkSpec(backbone.architecture().label(), backbone.name(), format, preprocess.size(), preprocess.channels(),
                head, sexHandling == SexHandling.SEX_INPUT, chronologicalAgeInput, scaling[0], scaling[1]);
    }

    private static int[] select(List<TrainingExample> all, List<Integer> members, String group) {
        return members.stream().filter(i -> switch (group) {
            case "male" -> all.get(i).sex() == Sex.MALE;
            case "female" -> all.get(i).sex() == Sex.FEMALE;
            default -> true;
        }).mapToInt(Integer::intValue).toArray();
    }

    private static float[] labels(List<TrainingExample> all, int[] members, NetworkSpec spec) {
        HeadSpec h = spec.head();
        int width = h.outputs();
        float[] out = new float[members.length * width];
        for (int m = 0; m < members.length; m++) {
            double age = all.get(members[m]).boneAgeMonths();
            if (!h.isAgeBins()) {
                out[m] = spec.encodeTarget(age);
                continue;
            }
            // Gaussian-smoothed target over the bins (sigma one bin width): neighbouring ages share probability mass.
            double sigma = h.binWidth();
            double sum = 0;
            for (int b = 0; b < width; b++) {
                double d = (h.binCentre(b) - age) / sigma;
                double w = Math.exp(-0.5 * d * d);
                out[m * width + b] = (float) w;
                sum += w;
            }
            for (int b = 0; b < width; b++) {
                out[m * width + b] /= (float) sum;
            }
        }
        return out;
    }

    private static float[] auxiliary(List<TrainingExample> all, int[] members, NetworkSpec spec) {
        int width = spec.auxiliaryInputs();
        float[] out = new float[members.length * width];
        for (int m = 0; m < members.length; m++) {
            TrainingExample e = all.get(members[m]);
            int c = m * width;
            if (spec.sexInput()) {
                out[c++] = NetworkSpec.encodeSex(e.sex());
            }
            if (spec.chronologicalAgeInput()) {
                out[c] = NetworkSpec.encodeChronologicalAge(e.chronologicalAgeMonths());
            }
        }
        return out;
    }

    private String fingerprint(List<TrainingExample> trainSet, List<TrainingExample> validationSet) {
        Map<String, Object> what = new LinkedHashMap<>();
        what.put("checkpointFormat", CHECKPOINT_FORMAT);
        what.put("settings", settings);
        what.put("preprocess", preprocess);
        what.put("backbone", List.of(backbone.architecture().label(), backbone.source().name(), backbone.name()));
        what.put("head", head);
        what.put("sexHandling", sexHandling.label());
        what.put("chronologicalAgeInput", chronologicalAgeInput);
        what.put("train", describe(trainSet));
        what.put("validation", describe(validationSet));
        try {
            return sha256(Json.MAPPER.writeValueAsString(what));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> describe(List<TrainingExample> examples) {
        return examples.stream().map(e -> e.id() + ";" + e.boneAgeMonths() + ";" + e.sex().label() + ";" + e.chronologicalAgeMonths())
                .toList();
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private void writeBundle(List<NetworkOutcome> outcomes, List<String> groups, double[] scaling, TrainingReport report,
            AgeMetrics metrics) {
        NetworkSpec spec = outcomes.get(0).report().spec();
        Path staging = checkpointDirectory.resolve("bundle-staging");
        try {
            deleteTree(staging);
            ModelBundleWriter.Builder writer = ModelBundleWriter.builder()
                    .setName(modelName)
                    .setArchitecture(spec.architecture().equals("torchscript") ? backbone.name() : spec.architecture())
                    .setFormat(ModelFormat.DJL_PARAMS)
                    .setPreprocessing(preprocess)
                    .optBlock(new BlockSpec(BoneAgeBlockFactory.NAME, spec.toArguments()))
                    .optOutput(head.isAgeBins() ? OutputSpec.ageBins(binCentres(head), OutputSpec.Activation.SOFTMAX)
                            : OutputSpec.regression(scaling[1], scaling[0]))
                    .optSexHandling(switch (sexHandling) {
                        case PER_SEX -> io.github.boneage.djl.manifest.SexHandling.perSex();
                        case SEX_INPUT -> io.github.boneage.djl.manifest.SexHandling.sexInput(
                                new io.github.boneage.djl.manifest.SexHandling.SexInput("sex", NetworkSpec.encodeSex(Sex.MALE),
                                        NetworkSpec.encodeSex(Sex.FEMALE), NetworkSpec.encodeSex(Sex.UNKNOWN)));
                        case AGNOSTIC -> io.github.boneage.djl.manifest.SexHandling.agnostic();
                    })
                    .optProvenance(provenance(report, metrics));
            if (description != null) {
                writer.optDescription(description);
            }
            for (int g = 0; g < groups.size(); g++) {
                NetworkOutcome o = outcomes.get(g);
                try (BoneAgeNetwork network = BoneAgeNetwork.load(o.weights(), o.report().spec(), false)) {
                    Path file = network.saveForBundle(staging, groups.get(g));
                    writer.addWeights(NetworkRole.parse(groups.get(g)), file);
                }
            }
            writer.build().writeFolder(outputDirectory);
            deleteTree(staging);
        } catch (IOException e) {
            throw new TrainingException("cannot write the model bundle " + outputDirectory + ": " + e.getMessage(), e);
        }
    }

    private static double[] binCentres(HeadSpec h) {
        double[] c = new double[h.bins()];
        for (int i = 0; i < c.length; i++) {
            c[i] = h.binCentre(i);
        }
        return c;
    }

    private ModelProvenance provenance(TrainingReport report, AgeMetrics metrics) {
        Map<String, String> trainer = new LinkedHashMap<>();
        trainer.put("backbone", backbone.name());
        trainer.put("backboneSource", backbone.source().name().toLowerCase(Locale.ROOT));
        if (startedFrom != null) {
            trainer.put("startedFrom", startedFrom);
        }
        trainer.put("head", head.type());
        trainer.put("chronologicalAgeInput", Boolean.toString(chronologicalAgeInput));
        trainer.put("sexHandling", sexHandling.label());
        trainer.put("batchSize", Integer.toString(settings.batchSize()));
        trainer.put("optimizer", settings.optimizer().method());
        trainer.put("baseLearningRate", Double.toString(settings.baseLearningRate()));
        trainer.put("backboneLearningRateFactor", Double.toString(settings.resolvedBackboneFactor(backbone.pretrained())));
        trainer.put("weightDecay", Double.toString(settings.optimizer().weightDecay()));
        trainer.put("schedule", settings.schedule().policy());
        trainer.put("loss", head.isAgeBins() ? "soft-label-cross-entropy" : settings.loss().label());
        trainer.put("augmentation", settings.augmentation().toString());
        trainer.put("seed", Long.toString(settings.seed()));
        trainer.put("onednnMaxCpuIsa", OneDnnIsa.describe());
        for (TrainingReport.NetworkReport n : report.networks()) {
            trainer.put("iterations." + n.name(), Integer.toString(n.steps()));
            trainer.put("keptIteration." + n.name(), Integer.toString(n.keptStep()));
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        if (metrics != null) {
            figures.put("mad", metrics.mad());
            figures.put("ccc", metrics.ccc());
            figures.put("rmse", metrics.rmse());
            figures.put("n", (double) metrics.n());
        }
        String data = dataName + " (" + report.trainingImages() + " training, " + report.validationImages() + " validation images)";
        String split = splitDescription != null ? splitDescription
                : validation.isEmpty() && validationFraction > 0
                        ? String.format(Locale.ROOT, "%.3f of the training data held out, stratified by sex, seed %d", validationFraction,
                                settings.seed())
                        : "validation data given separately";
        String version = BoneAgeTrainer.class.getPackage().getImplementationVersion();
        return new ModelProvenance(data, split, trainer, figures, version == null ? "development" : version, report.createdAt());
    }

    private void writeExtras(TrainingReport report, String[] ids, double[] reference, double[] estimate,
            List<TrainingExample> trained) {
        try {
            // Recorded so that later steps (calibration, evaluation) can refuse images the model was trained on.
            Files.write(outputDirectory.resolve(TRAINING_IDS_FILE), trained.stream().map(TrainingExample::id).toList(),
                    StandardCharsets.UTF_8);
            Json.MAPPER.writeValue(outputDirectory.resolve(TrainingReport.FILE_NAME).toFile(), report);
            try (Writer w = Files.newBufferedWriter(outputDirectory.resolve(PREDICTIONS_FILE), StandardCharsets.UTF_8)) {
                w.write("id,boneage,estimate\n");
                for (int i = 0; i < ids.length; i++) {
                    w.write(ids[i] + "," + reference[i] + "," + estimate[i] + "\n");
                }
            }
        } catch (IOException e) {
            throw new TrainingException("cannot write the training report into " + outputDirectory + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Builder: {@code setX} for required fields, {@code optX} for optional ones. */
    public static final class Builder {
        private List<TrainingExample> training = List.of();
        private List<TrainingExample> validation = List.of();
        private double validationFraction;
        private String dataName = "training data";
        private String splitDescription;
        private PreprocessSpec preprocess;
        private BackboneSpec backbone;
        private Path outputDirectory;
        private Path checkpointDirectory;
        private boolean resume = true;
        private Path cacheFile;
        private SexHandling sexHandling = SexHandling.SEX_INPUT;
        private HeadSpec head = HeadSpec.regression();
        private boolean chronologicalAgeInput;
        private TrainingSettings settings = TrainingSettings.builder().build();
        private String modelName;
        private String description;
        private int cacheThreads = Runtime.getRuntime().availableProcessors();
        private final List<TrainingProgressListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the training examples (required, unless {@link #setSplit} is used).
         *
         * @param examples the labelled images to train on
         * @return this builder
         */
        public Builder setTrainingData(List<TrainingExample> examples) {
            this.training = List.copyOf(examples);
            return this;
        }

        /**
         * Sets training and validation data from a dataset split (replaces {@link #setTrainingData} and
         * {@link #optValidationData}); landmarks attached to the samples are used for ROI schemes that need them.
         *
         * @param split e.g. from {@code FractionSplit} over {@code RsnaDataset.samples()}
         * @return this builder
         */
        public Builder setSplit(DatasetSplit split) {
            this.training = split.train().stream().map(Builder::example).toList();
            this.validation = split.validation().stream().map(Builder::example).toList();
            this.splitDescription = split.description();
            return this;
        }

        private static TrainingExample example(Sample s) {
            return new TrainingExample(s.id(), s.image(), null, s.boneAgeMonths(), s.sex(), null, s.landmarks().orElse(null));
        }

        /**
         * @param spec the preprocessing every image goes through (its size must be &gt; 0)
         * @return this builder with the preprocessing every image goes through set (required; its size must be > 0)
         */
        public Builder setPreprocessSpec(PreprocessSpec spec) {
            this.preprocess = spec;
            return this;
        }

        /**
         * @param spec the backbone to fine-tune or train from scratch
         * @return this builder with the backbone set (required)
         */
        public Builder setBackbone(BackboneSpec spec) {
            this.backbone = spec;
            return this;
        }

        /**
         * @param folder where the bundle is written (absent or empty)
         * @return this builder with the bundle's folder set (required; must be absent or empty)
         */
        public Builder setOutputDirectory(Path folder) {
            this.outputDirectory = folder;
            return this;
        }

        /**
         * @param examples the held-out validation examples
         * @return this builder with held-out validation examples set (default none)
         */
        public Builder optValidationData(List<TrainingExample> examples) {
            this.validation = List.copyOf(examples);
            return this;
        }

        /**
         * @param fraction share of the training examples to hold out for validation (seeded, stratified by sex) when no
         *                 validation data is given (default 0)
         * @return this builder
         */
        public Builder optValidationFraction(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + fraction);
            }
            this.validationFraction = fraction;
            return this;
        }

        /**
         * @param name the training data's name, recorded in the provenance
         * @return this builder with the training data's name for the provenance set (e.g. {@code RSNA 2017 (rsna-299)})
         */
        public Builder optDataName(String name) {
            this.dataName = Objects.requireNonNull(name);
            return this;
        }

        /**
         * @param handling how the model uses the patient's sex
         * @return this builder with the sex handling set (default {@link SexHandling#SEX_INPUT})
         */
        public Builder optSexHandling(SexHandling handling) {
            this.sexHandling = Objects.requireNonNull(handling);
            return this;
        }

        /**
         * @param spec the head on top of the backbone
         * @return this builder with the head set (default {@link HeadSpec#regression()})
         */
        public Builder optHead(HeadSpec spec) {
            this.head = Objects.requireNonNull(spec);
            return this;
        }

        /**
         * @param enabled whether the chronological age is fed to the head
         * @return this builder with the chronological age fed to the head (every example then needs one)
         */
        public Builder optChronologicalAgeInput(boolean enabled) {
            this.chronologicalAgeInput = enabled;
            return this;
        }

        /**
         * @param value the solver and schedule
         * @return this builder with the solver and schedule set (default {@code TrainingSettings.builder().build()})
         */
        public Builder optSettings(TrainingSettings value) {
            this.settings = Objects.requireNonNull(value);
            return this;
        }

        /**
         * @param folder where checkpoints are written
         * @return this builder with the checkpoint folder set (default: the output folder's name + {@code .checkpoints})
         */
        public Builder optCheckpointDirectory(Path folder) {
            this.checkpointDirectory = folder;
            return this;
        }

        /**
         * @param enabled whether to resume from a checkpoint in the checkpoint folder
         * @return this builder with resuming from a checkpoint found in the checkpoint folder on (default) or off
         */
        public Builder optResume(boolean enabled) {
            this.resume = enabled;
            return this;
        }

        /**
         * @param file the file the image cache is kept in
         * @return this builder with the image cache persisted in this file (default: memory only)
         */
        public Builder optCacheFile(Path file) {
            this.cacheFile = file;
            return this;
        }

        /**
         * @param threads the number of threads that decode and preprocess images
         * @return this builder with the number of threads that decode and preprocess images set (default: all cores)
         */
        public Builder optCacheThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("cache threads must be >= 1, got " + threads);
            }
            this.cacheThreads = threads;
            return this;
        }

        /**
         * @param name the model's name
         * @return this builder with the model's name set (default {@code boneage-<backbone>})
         */
        public Builder optModelName(String name) {
            this.modelName = name;
            return this;
        }

        /**
         * @param text the bundle's description
         * @return this builder with the bundle's description set
         */
        public Builder optDescription(String text) {
            this.description = text;
            return this;
        }

        /**
         * @param listener a listener told about progress
         * @return this builder with a progress listener added
         */
        public Builder addListener(TrainingProgressListener listener) {
            listeners.add(Objects.requireNonNull(listener));
            return this;
        }

        /**
         * @return the trainer
         * @throws NullPointerException naming the required field that is missing
         */
        public BoneAgeTrainer build() {
            Objects.requireNonNull(preprocess, "preprocess spec is required (setPreprocessSpec)");
            Objects.requireNonNull(backbone, "backbone is required (setBackbone)");
            Objects.requireNonNull(outputDirectory, "output folder is required (setOutputDirectory)");
            if (preprocess.channels() != 3 && backbone.pretrained()) {
                LOG.info("pretrained backbone {} with {}-channel input: make sure it was exported for that", backbone.name(),
                        preprocess.channels());
            }
            return new BoneAgeTrainer(this);
        }
    }
}
