package io.github.boneage.cli;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.djl.manifest.ModelManifest;
import io.github.boneage.djl.train.Augmentation;
import io.github.boneage.djl.train.LossFunction;
import io.github.boneage.djl.train.TrainingSettings;
import io.github.boneage.djl.train.net.BoneAgeBlockFactory;
import io.github.boneage.djl.train.net.NetworkSpec;
import io.github.boneage.djl.train.optim.LearningRateSchedule;
import io.github.boneage.djl.train.optim.OptimizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;
import io.github.boneage.core.dataset.DatasetProblem;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.djl.train.BoneAgeTrainer;
import io.github.boneage.djl.train.EpochRecord;
import io.github.boneage.djl.train.SexHandling;
import io.github.boneage.djl.train.TrainingReport;
import io.github.boneage.djl.train.net.Architecture;
import io.github.boneage.djl.train.net.BackboneSpec;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code boneage train}: trains a bone-age model on an RSNA-format set with a seeded held-out split and writes a model
 * bundle, with a console progress bar and the training curves (loss and validation MAD per epoch, linear and log
 * scale) as PNG files next to the bundle.
 */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        description = {"Train a model bundle on an RSNA-format set (labels CSV id,boneage,male and a folder of images).",
            "By default it fine-tunes the shipped default model's training weights (models/default-pytorch; --from another bundle; --backbone FILE.pt to train anew from",
            "an ImageNet TorchScript backbone, --backbone ARCH from scratch). Images listed in the starting bundle's",
            "held-out-ids.txt are never trained on nor validated on; those in its validation-ids.txt (the images it held back)",
            "are never trained on. A seeded fraction of the rest is held out for validation; the bundle records data, split,",
            "settings and validation MAD/CCC, and lists the images it held back in its own validation-ids.txt.",
            "Writes BUNDLE-training-loss.png and BUNDLE-validation-mad.png next to the bundle.",
            "Exit code 3 when some images could not be used (each listed with its reason); training went on without them."})
final class TrainCommand implements Callable<Integer> {

    /** Suffixes of the curve files written next to the bundle. */
    static final String LOSS_PNG_SUFFIX = "-training-loss.png";
    static final String MAD_PNG_SUFFIX = "-validation-mad.png";
    /** Suffixes of the id lists {@code --split-only} writes next to the bundle. */
    static final String TRAIN_IDS_SUFFIX = "-train-ids.txt";
    static final String VALIDATION_IDS_SUFFIX = "-validation-ids.txt";
    /** The file of a bundle listing the ids that took no part in its training (e.g. the default model's). */
    static final String HELD_OUT_IDS_FILE = "held-out-ids.txt";
    /**
     * The file of a bundle listing the images its training held back (its validation side, before --val-limit, and the
     * images its starting bundle held back): a bundle fine-tuned from it never trains on them, whatever labels it is
     * given. Without it, fine-tuning on other labels (e.g. one sex's) draws a new split and would train on images the
     * starting bundle was chosen on.
     */
    static final String VALIDATION_IDS_FILE = "validation-ids.txt";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of <id>.png / <id>.jpg images.")
    Path images;

    @Option(names = "--labels", required = true, paramLabel = "CSV", description = "Labels CSV with columns id,boneage,male.")
    Path labels;

    @Option(names = "--out", required = true, paramLabel = "BUNDLE", description = "The bundle folder to create (absent or empty).")
    Path out;

    @Option(names = "--from", paramLabel = "BUNDLE",
            description = "The trained bundle to fine-tune (default: the shipped default model's training weights, models/default-pytorch): its network, input, sex handling"
                    + " and target scaling, with its weights as the start. Not together with --backbone.")
    Path from;

    @Option(names = "--backbone", paramLabel = "FILE.pt|ARCH",
            description = "Train anew instead of fine-tuning: a TorchScript .pt feature extractor (e.g. made by"
                    + " tools/mobilenetv2_from_onnx.py), or small-cnn, resnet18, resnet34, resnet50, googlenet, alexnet or"
                    + " mobilenetv2 trained from scratch (random initialization).")
    String backbone;

    @Option(names = "--pretrained", paramLabel = "FILE",
            description = "The same as --backbone FILE.pt (kept for old scripts). URLs are refused: download the file first.")
    String pretrained;

    @Option(names = "--backbone-name", paramLabel = "NAME",
            description = "The name a TorchScript backbone is recorded under (default: its file name without .pt).")
    String backboneName;

    @Option(names = "--sex-mode", paramLabel = "MODE", converter = SexModeConverter.class,
            description = "per-sex (two networks), sex-input (sex fed to the head) or agnostic (default: the starting bundle's;"
                    + " sex-input when training anew).")
    SexHandling sexMode;

    @Option(names = "--roi", paramLabel = "SCHEME", converter = Converters.RoiConverter.class,
            description = "whole, roi1, roi2 or roi3 (default: the starting bundle's; whole when training anew); roi1-3 need"
                    + " --landmarks.")
    RoiScheme roi;

    @Option(names = "--landmarks", paramLabel = "FILE|auto",
            description = "Landmarks CSV (with roi1-3 only images listed in it are used), or 'auto' to detect them "
                    + "(images the detector's quality gate rejects are left out and reported).")
    String landmarks;

    @Option(names = "--equalizer", paramLabel = "METHOD", converter = Converters.EqualizerConverter.class,
            description = "none, histeq, histeq-matlab or clahe (default: the starting bundle's; histeq when training anew).")
    EqualizerSpec equalizer;

    @Option(names = "--size", paramLabel = "N",
            description = "Input side in pixels (default: the starting bundle's, which a fine-tuned TorchScript backbone may"
                    + " change; 160 when training anew).")
    Integer size;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Passes over the training images (default: " + FINE_TUNE_EPOCHS + " when fine-tuning, "
                    + BACKBONE_EPOCHS + " from a TorchScript backbone, 10 from scratch, the paper's 3000 iterations with"
                    + " --solver seed).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", description = "Images per iteration (default: 32).")
    Integer batch;

    @Option(names = "--solver", paramLabel = "SOLVER", defaultValue = "adamw",
            description = "adamw (cosine schedule, augmentation) or seed (the 2018 paper's Caffe SGD) (default: ${DEFAULT-VALUE}).")
    TrainingSetup.Solver solver;

    @Option(names = "--lr", paramLabel = "LR",
            description = "Base learning rate (default: " + FINE_TUNE_LR + " when fine-tuning, 1e-3 otherwise).")
    Double learningRate;

    @Option(names = "--backbone-lr-factor", paramLabel = "F",
            description = "The backbone's learning rate as a multiple of --lr (default: 1.0).")
    Double backboneFactor;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Iterations of linear learning-rate warm-up (adamw; default: a tenth of all iterations, at most 100;"
                    + " 0 from scratch).")
    Integer warmup;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "AdamW's decoupled weight decay (default: 1e-4).")
    Double weightDecay;

    @Option(names = "--loss", paramLabel = "LOSS", converter = LossConverter.class,
            description = "l1, l2 or huber, on the standardized age (default: l1).")
    LossFunction loss;

    @Option(names = "--no-augment", description = "Train without augmentation (rotation, shift, zoom, brightness/contrast).")
    boolean noAugment;

    @Option(names = "--mirror", paramLabel = "P",
            description = "Probability of mirroring a training image left-right, in [0, 1] (default: 0; 0.5 teaches the "
                    + "network left and right hands alike, which the pipeline's mirror averaging relies on).")
    Double mirrorProbability;

    @Option(names = "--patience", paramLabel = "N",
            description = "Stop after N validations without a better validation MAD (default: 0, never).")
    Integer patience;

    @Option(names = "--loader-threads", paramLabel = "N",
            description = "Threads assembling batches (default: 1; 0 assembles them on the training thread, best on a busy"
                    + " 2-core machine).")
    Integer loaderThreads;

    @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.15",
            description = "Share of the images held out for validation, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "20260101",
            description = "Seed of the split (default: ${DEFAULT-VALUE}, the default model's split) and, unless --train-seed"
                    + " is given, of the training.")
    long seed;

    @Option(names = "--train-seed", paramLabel = "S",
            description = "Seed of data order, augmentation and initialization (default: --seed).")
    Long trainSeed;

    @Option(names = "--limit", paramLabel = "N", description = "Use at most N images (the split is made on all of them first).")
    Integer limit;

    @Option(names = "--train-limit", paramLabel = "N", description = "Train on only the first N training images (by id).")
    Integer trainLimit;

    @Option(names = "--val-limit", paramLabel = "N", description = "Validate on only the first N held-out images (by id).")
    Integer validationLimit;

    @Option(names = "--name", paramLabel = "NAME", description = "The model's name in the manifest (default: from the backbone).")
    String name;

    @Option(names = "--split-only",
            description = "Write the split as BUNDLE-train-ids.txt and BUNDLE-validation-ids.txt and stop (e.g. to calibrate"
                    + " a backbone's batch norm on the training images only).")
    boolean splitOnly;

    @Option(names = "--resume", description = "Resume from the checkpoints in BUNDLE.checkpoints after an interruption.")
    boolean resume;

    /** Fine-tuning defaults: a tenth of the learning rate the networks were trained with, a few epochs. */
    static final double FINE_TUNE_LR = 1e-4;
    static final int FINE_TUNE_EPOCHS = 3;
    /** From an ImageNet backbone: the shipped model's recipe (docs/default-model.md). */
    static final int BACKBONE_EPOCHS = 8;

    @Override
    public Integer call() {
        checkOptions();
        var o = spec.commandLine().getOut();
        Start start = start();
        RoiScheme roiScheme = roi != null ? roi : start.bundle != null ? start.preprocess.roi() : RoiScheme.WHOLE;
        boolean auto = "auto".equalsIgnoreCase(landmarks);
        RsnaDataset dataset = Datasets.read(images, labels,
                landmarks == null || auto ? null : Inputs.readLandmarks(Path.of(landmarks)), false);
        List<String> problems = new ArrayList<>();
        for (DatasetProblem p : dataset.problems()) {
            if (p.kind().excludesSample()) {
                problems.add(p.toString());
            }
        }
        var samples = dataset.samples();
        if (roiScheme.needsLandmarks()) {
            if (landmarks == null) {
                throw new ParameterException(spec.commandLine(), "--roi " + roiScheme.label() + " needs --landmarks FILE|auto");
            }
            if (!auto) {
                samples = samples.stream().filter(s -> s.landmarks().isPresent()).toList();
                o.printf("%d of %d images have landmarks in %s and are used%n", samples.size(), dataset.size(), landmarks);
            }
        }
        String exclusion = "";
        if (!start.heldOut.isEmpty()) {
            int before = samples.size();
            samples = samples.stream().filter(s -> !start.heldOut.contains(s.id())).toList();
            int excluded = before - samples.size();
            exclusion = String.format(Locale.ROOT, "%d images listed in %s's %s left out of training and validation; ",
                    excluded, start.label, HELD_OUT_IDS_FILE);
            o.printf(Locale.ROOT, "%d of %d images are in %s's %s and are left out of training and validation (they stay"
                    + " untouched for evaluating the result)%n", excluded, before, start.label, HELD_OUT_IDS_FILE);
        }
        DatasetSplit split = TrainingSetup.split(samples, validationFraction, seed, limit);
        if (!start.heldBack.isEmpty()) {
            int before = split.train().size();
            split = keepHeldBackOutOfTraining(split, start.heldBack);
            int moved = before - split.train().size();
            o.printf(Locale.ROOT, "%d of the images the split would train on are in %s's %s (it held them back) and are"
                    + " moved to validation%n", moved, start.label, VALIDATION_IDS_FILE);
            exclusion += String.format(Locale.ROOT, "%d images listed in %s's %s kept out of training; ", moved, start.label,
                    VALIDATION_IDS_FILE);
        }
        if (splitOnly) {
            // The whole split, before --train-limit/--val-limit, as the benchmark trainer wrote it: the training ids
            // are what a backbone's batch norm may be calibrated on.
            return writeSplit(split);
        }
        Set<String> heldBackByThisBundle = new TreeSet<>(split.validationIds());
        heldBackByThisBundle.addAll(start.heldBack);
        split = limitParts(split, exclusion);
        if (auto && roiScheme.needsLandmarks()) {
            int before = split.train().size() + split.validation().size();
            split = AutoLandmarks.attach(split, LandmarkDetectors.defaultDetector(), problems);
            o.printf("landmarks detected on %d of %d images%n", split.train().size() + split.validation().size(), before);
        }
        if (start.bundle != null) {
            o.printf(Locale.ROOT, "fine-tuning %s (%s): %d training, %d validation images%n", start.label, start.bundle,
                    split.train().size(), split.validation().size());
        }

        // Fine-tuning may move the crop (--roi) or the equalizer: both are preprocessing, the network still sees an
        // input of the same size, and a whole-hand model's features are a better start for an ROI model than ImageNet's.
        PreprocessSpec preprocessSpec = start.bundle != null
                ? start.preprocess.withRoi(roiScheme).withEqualizer(equalizer != null ? equalizer : start.preprocess.equalizer())
                : TrainingSetup.preprocess(roiScheme, equalizer != null ? equalizer : EqualizerSpec.histeq(), size != null ? size : 160);
        ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr(), "", Progress.wanted(spec));
        TrainingReport report;
        try {
            BoneAgeTrainer.Builder trainer = BoneAgeTrainer.builder()
                    .setSplit(split)
                    .setPreprocessSpec(preprocessSpec)
                    .setBackbone(start.backbone)
                    .setOutputDirectory(out)
                    .optDataName(dataset.describe())
                    .optSexHandling(sexMode != null ? sexMode : start.sexHandling)
                    .optSettings(settings(start.bundle != null, !start.backbone.pretrained(), split.train().size()))
                    .optResume(resume)
                    .addListener(progress);
            if (name != null || start.bundle != null) {
                trainer.optModelName(name != null ? name : start.label + "-fine-tuned");
            }
            report = trainer.build().train();
        } finally {
            progress.close();
        }
        problems.addAll(progress.skipped());
        if (!start.heldOut.isEmpty()) {
            copyHeldOutIds(start.bundle);
        }
        writeHeldBackIds(heldBackByThisBundle);

        List<EpochRecord> history = report.networks().stream().flatMap(n -> n.history().stream()).toList();
        Path folder = out.toAbsolutePath().normalize();
        String bundleName = folder.getFileName().toString();
        List<Path> curves = Plots.trainingCurves(history, folder.resolveSibling(bundleName + LOSS_PNG_SUFFIX),
                folder.resolveSibling(bundleName + MAD_PNG_SUFFIX));
        o.printf(Locale.ROOT, "bundle %s: %d training, %d validation images; validation MAD %.2f months, CCC %.4f; %.1f min%n", out,
                report.trainingImages(), report.validationImages(), report.validationMad(), report.validationCcc(),
                report.wallSeconds() / 60);
        curves.forEach(c -> o.println("curves: " + c));
        o.flush();
        var err = spec.commandLine().getErr();
        problems.forEach(p -> err.println("boneage: skipped " + p));
        err.flush();
        return problems.isEmpty() ? ExitCode.OK : ExitCode.PARTIAL;
    }

    /** Where training starts: a bundle to fine-tune (with its input and held-out ids) or a backbone. */
    private record Start(BackboneSpec backbone, Path bundle, String label, PreprocessSpec preprocess, SexHandling sexHandling,
            Set<String> heldOut, Set<String> heldBack) {
    }

    private Start start() {
        String file = backbone != null ? backbone : pretrained;
        if (file != null) {
            BackboneSpec b;
            try {
                b = file.endsWith(".pt") || file.contains("://") || pretrained != null ? TrainingSetup.pretrained(file, backboneName)
                        : BackboneSpec.scratch(architecture(file));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            return new Start(b, null, b.name(), null, SexHandling.SEX_INPUT, Set.of(), Set.of());
        }
        Path bundle = from != null ? from : ModelLocator.trainableDefault();
        if (!Files.isRegularFile(bundle.resolve("boneage-model.json"))) {
            throw new ParameterException(spec.commandLine(), "--from: not a model bundle folder (no boneage-model.json): " + bundle);
        }
        ModelManifest manifest;
        try (ModelBundle opened = ModelBundle.load(bundle)) {
            manifest = opened.manifest();
        }
        if (manifest.format() == io.github.boneage.djl.manifest.ModelFormat.ONNX) {
            throw new ParameterException(spec.commandLine(), "--from " + bundle + " is an ONNX bundle, which cannot be"
                    + " trained; make a trainable copy first: boneage export --format djl-params " + bundle + " --out DIR"
                    + (manifest.sexHandling().mode() == io.github.boneage.djl.manifest.SexHandling.Mode.PER_SEX
                            ? " --role male|female (one network of this per-sex bundle at a time)" : ""));
        }
        if (manifest.block() == null || !BoneAgeBlockFactory.NAME.equals(manifest.block().factory())) {
            throw new ParameterException(spec.commandLine(), "--from " + bundle + ": the bundle was not written by boneage train"
                    + " (it needs format djl-params with block factory " + BoneAgeBlockFactory.NAME + "), so it cannot be"
                    + " fine-tuned; use --backbone FILE.pt to train anew");
        }
        PreprocessSpec p = manifest.preprocessing();
        NetworkSpec network = NetworkSpec.fromArguments(manifest.block().arguments());
        List<String> differ = new ArrayList<>();
        if (size != null && size != p.size()) {
            if (network.readsAnyInputSize()) {
                p = p.withSize(size);
            } else {
                differ.add("--size " + size + " (the bundle's: " + p.size() + "; only a TorchScript backbone can change it)");
            }
        }
        SexHandling bundleSex = SexHandling.fromLabel(manifest.sexHandling().mode().label());
        if (sexMode != null && sexMode != bundleSex) {
            differ.add("--sex-mode " + sexMode.label() + " (the bundle's: " + bundleSex.label() + ")");
        }
        if (!differ.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "fine-tuning keeps the starting bundle's network, but "
                    + String.join(", ", differ) + " differ; leave them out, or train anew with --backbone");
        }
        Set<String> heldOut = Datasets.readIdsIfPresent(bundle.resolve(HELD_OUT_IDS_FILE));
        Set<String> heldBack = Datasets.readIdsIfPresent(bundle.resolve(VALIDATION_IDS_FILE));
        if (heldBack.isEmpty() && heldOut.isEmpty()) {
            // A bundle with a held-out list (the shipped ones) keeps that list out; one with neither list, trained before
            // validation-ids.txt was written, can leak its validation images into this run unnoticed.
            var err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "boneage: warning: %s has neither %s nor %s (bundles trained before they were written),"
                    + " so the images it was validated on are not known: with other labels or another --seed than it was"
                    + " trained with, this run may train on them%n", bundle, VALIDATION_IDS_FILE, HELD_OUT_IDS_FILE);
            err.flush();
        }
        BackboneSpec b = BackboneSpec.bundle(bundle, Architecture.fromLabel(network.architecture()), network.backbone());
        return new Start(b, bundle, manifest.name(), p, bundleSex, heldOut, heldBack);
    }

    private Architecture architecture(String label) {
        try {
            Architecture a = Architecture.fromLabel(label);
            if (a == Architecture.TORCHSCRIPT) {
                throw new ParameterException(spec.commandLine(), "--backbone: give the TorchScript backbone's .pt file");
            }
            return a;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--backbone: '" + label + "' is neither a .pt file nor an"
                    + " architecture (" + e.getMessage() + ")");
        }
    }

    /** Applies --train-limit and --val-limit: the first N of each part, by id, as the benchmark trainer did. */
    private DatasetSplit limitParts(DatasetSplit split, String exclusion) {
        List<Sample> train = split.train();
        List<Sample> validation = split.validation();
        boolean limited = false;
        if (trainLimit != null && trainLimit < train.size()) {
            train = train.subList(0, trainLimit);
            limited = true;
        }
        if (validationLimit != null && validationLimit < validation.size()) {
            validation = validation.subList(0, validationLimit);
            limited = true;
        }
        if (!limited && exclusion.isEmpty()) {
            return split;
        }
        String text = exclusion + split.strategy() + (limited ? String.format(Locale.ROOT,
                "; first %d training and %d held-out images used", train.size(), validation.size()) : "");
        return new DatasetSplit(train, validation, text, split.manifestFields());
    }

    private int writeSplit(DatasetSplit split) {
        Path folder = out.toAbsolutePath().normalize();
        Path trainIds = folder.resolveSibling(folder.getFileName() + TRAIN_IDS_SUFFIX);
        Path validationIds = folder.resolveSibling(folder.getFileName() + VALIDATION_IDS_SUFFIX);
        try {
            split.writeTrainIds(trainIds);
            split.writeValidationIds(validationIds);
        } catch (IOException e) {
            throw new BoneAgeException("cannot write the split next to " + out + ": " + e.getMessage(), e);
        }
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "split: %d training ids in %s, %d held-out ids in %s%n", split.train().size(), trainIds,
                split.validation().size(), validationIds);
        o.flush();
        return ExitCode.OK;
    }

    /**
     * Moves the training images the starting bundle held back to the validation side, so that fine-tuning never trains
     * on an image its start was validated on, even when the seeded split of these labels falls elsewhere.
     *
     * @param heldBack the ids the starting bundle held back
     * @return the split, with the same strategy text
     */
    private static DatasetSplit keepHeldBackOutOfTraining(DatasetSplit split, Set<String> heldBack) {
        List<Sample> train = new ArrayList<>();
        List<Sample> validation = new ArrayList<>(split.validation());
        for (Sample s : split.train()) {
            (heldBack.contains(s.id()) ? validation : train).add(s);
        }
        return new DatasetSplit(train, validation, split.strategy(), split.manifestFields());
    }

    /** Lists the images this bundle held back, so that a bundle fine-tuned from it keeps them out of training too. */
    private void writeHeldBackIds(Set<String> ids) {
        Path file = out.resolve(VALIDATION_IDS_FILE);
        List<String> lines = new ArrayList<>();
        lines.add("# images this bundle (and the bundle it was fine-tuned from) held back from training; boneage train --from"
                + " never trains on them");
        lines.addAll(ids);
        try {
            Files.write(file, lines, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BoneAgeException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Carries the starting bundle's held-out list into the new bundle: those images stay untouched by both. */
    private void copyHeldOutIds(Path bundle) {
        try {
            Files.copy(bundle.resolve(HELD_OUT_IDS_FILE), out.resolve(HELD_OUT_IDS_FILE), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BoneAgeException("cannot copy " + bundle.resolve(HELD_OUT_IDS_FILE) + " into " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * The solver settings from the options and, for those not given, the defaults of the kind of start.
     *
     * @param fineTune       whether a bundle is fine-tuned
     * @param scratch        whether the backbone starts from random weights
     * @param trainingImages how many images are trained on (the warm-up default is a tenth of all iterations)
     * @return the settings
     */
    TrainingSettings settings(boolean fineTune, boolean scratch, int trainingImages) {
        TrainingSettings.Builder b = solver == TrainingSetup.Solver.seed ? TrainingSettings.seedPaper() : TrainingSettings.builder();
        int batchSize = batch != null ? batch : 32;
        b.optBatchSize(batchSize);
        Integer passes = epochs != null ? epochs : solver == TrainingSetup.Solver.seed ? null
                : fineTune ? Integer.valueOf(FINE_TUNE_EPOCHS) : scratch ? null : Integer.valueOf(BACKBONE_EPOCHS);
        if (passes != null) {
            b.optEpochs(passes);
        }
        if (solver == TrainingSetup.Solver.adamw) {
            b.optBaseLearningRate(learningRate != null ? learningRate : fineTune ? FINE_TUNE_LR : 1e-3);
            b.optOptimizer(OptimizerSpec.adamW(weightDecay != null ? weightDecay : 1e-4));
            // The trainer's own count (whole batches per epoch) with the batch and epochs set so far.
            int steps = b.build().totalSteps(trainingImages);
            int warm = warmup != null ? warmup : scratch ? 0 : Math.min(100, steps / 10);
            b.optSchedule(LearningRateSchedule.cosine(0.01).withWarmup(warm));
            b.optBackboneLearningRateFactor(backboneFactor != null ? backboneFactor : 1.0);
        } else {
            if (learningRate != null) {
                b.optBaseLearningRate(learningRate);
            }
            if (backboneFactor != null) {
                b.optBackboneLearningRateFactor(backboneFactor);
            }
            if (warmup != null || weightDecay != null) {
                throw new ParameterException(spec.commandLine(), "--warmup and --weight-decay apply to --solver adamw only");
            }
        }
        if (loss != null) {
            b.optLoss(loss);
        }
        if (noAugment && mirrorProbability != null) {
            throw new ParameterException(spec.commandLine(), "--mirror is an augmentation: not together with --no-augment");
        }
        if (noAugment) {
            b.optAugmentation(Augmentation.none());
        } else if (mirrorProbability != null) {
            if (!(mirrorProbability >= 0 && mirrorProbability <= 1)) {
                throw new ParameterException(spec.commandLine(), "--mirror must be in [0, 1], got " + mirrorProbability);
            }
            Augmentation standard = Augmentation.standard();
            b.optAugmentation(new Augmentation(standard.maxRotationDegrees(), standard.maxShiftFraction(),
                    standard.maxScaleDelta(), standard.maxBrightness(), standard.maxContrastDelta(), mirrorProbability));
        }
        if (patience != null) {
            b.optEarlyStoppingPatience(patience);
        }
        if (loaderThreads != null) {
            b.optLoaderThreads(loaderThreads);
        }
        return b.optSeed(trainSeed != null ? trainSeed : seed).build();
    }

    private void checkOptions() {
        if (size != null && size < 1) {
            throw new ParameterException(spec.commandLine(), "--size must be >= 1, got " + size);
        }
        if (epochs != null && epochs < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs must be >= 1, got " + epochs);
        }
        if (batch != null && batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be >= 1, got " + batch);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new ParameterException(spec.commandLine(), "--val-fraction must be in [0, 1), got " + validationFraction);
        }
        if (limit != null && limit < 2) {
            throw new ParameterException(spec.commandLine(), "--limit must be >= 2, got " + limit);
        }
        if (trainLimit != null && trainLimit < 1) {
            throw new ParameterException(spec.commandLine(), "--train-limit must be >= 1, got " + trainLimit);
        }
        if (validationLimit != null && validationLimit < 0) {
            throw new ParameterException(spec.commandLine(), "--val-limit must be >= 0, got " + validationLimit);
        }
        if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new ParameterException(spec.commandLine(), "--lr must be > 0, got " + learningRate);
        }
        if (backboneFactor != null && !(backboneFactor >= 0 && Double.isFinite(backboneFactor))) {
            throw new ParameterException(spec.commandLine(), "--backbone-lr-factor must be >= 0, got " + backboneFactor);
        }
        if (warmup != null && warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--warmup must be >= 0, got " + warmup);
        }
        if (weightDecay != null && !(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new ParameterException(spec.commandLine(), "--weight-decay must be >= 0, got " + weightDecay);
        }
        if (patience != null && patience < 0) {
            throw new ParameterException(spec.commandLine(), "--patience must be >= 0, got " + patience);
        }
        if (loaderThreads != null && loaderThreads < 0) {
            throw new ParameterException(spec.commandLine(), "--loader-threads must be >= 0, got " + loaderThreads);
        }
        if (pretrained != null && backbone != null) {
            throw new ParameterException(spec.commandLine(), "give either --backbone or --pretrained FILE (its older name)");
        }
        if (from != null && (backbone != null || pretrained != null)) {
            throw new ParameterException(spec.commandLine(), "give either --from BUNDLE (fine-tune) or --backbone (train anew)");
        }
        if (backboneName != null && backbone == null && pretrained == null) {
            throw new ParameterException(spec.commandLine(), "--backbone-name names a --backbone FILE.pt");
        }
    }

    /** {@code l1|l2|huber}. */
    static final class LossConverter implements ITypeConverter<LossFunction> {
        @Override
        public LossFunction convert(String value) {
            try {
                return LossFunction.fromLabel(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Architecture labels as picocli values (usage error, exit 2, for an unknown one). */
    static final class ArchitectureConverter implements ITypeConverter<Architecture> {
        @Override
        public Architecture convert(String value) {
            try {
                Architecture a = Architecture.fromLabel(value);
                if (a == Architecture.TORCHSCRIPT) {
                    throw new TypeConversionException("a TorchScript backbone is given with --pretrained FILE");
                }
                return a;
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code per-sex|sex-input|agnostic}. */
    static final class SexModeConverter implements ITypeConverter<SexHandling> {
        @Override
        public SexHandling convert(String value) {
            try {
                return SexHandling.fromLabel(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
