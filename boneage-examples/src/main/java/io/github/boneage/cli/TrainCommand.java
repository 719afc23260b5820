package io.github.boneage.cli;

import io.github.boneage.core.RoiScheme;
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
            "A seeded fraction is held out for validation; the bundle records data, split, settings and validation MAD/CCC.",
            "Writes BUNDLE-training-loss.png and BUNDLE-validation-mad.png next to the bundle.",
            "Exit code 3 when some images could not be used (each listed with its reason); training went on without them."})
final class TrainCommand implements Callable<Integer> {

    /** Suffixes of the curve files written next to the bundle. */
    static final String LOSS_PNG_SUFFIX = "-training-loss.png";
    static final String MAD_PNG_SUFFIX = "-validation-mad.png";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of <id>.png / <id>.jpg images.")
    Path images;

    @Option(names = "--labels", required = true, paramLabel = "CSV", description = "Labels CSV with columns id,boneage,male.")
    Path labels;

    @Option(names = "--out", required = true, paramLabel = "BUNDLE", description = "The bundle folder to create (absent or empty).")
    Path out;

    @Option(names = "--backbone", paramLabel = "ARCH", converter = ArchitectureConverter.class,
            description = "small-cnn, resnet18, resnet34, resnet50, googlenet, alexnet or mobilenetv2, trained from scratch"
                    + " (default: resnet18; not together with --pretrained).")
    Architecture backbone;

    @Option(names = "--pretrained", paramLabel = "FILE",
            description = "A TorchScript .pt feature extractor to fine-tune (e.g. made by tools/export_backbone.py). URLs are"
                    + " refused: download the file first.")
    String pretrained;

    @Option(names = "--sex-mode", paramLabel = "MODE", defaultValue = "sex-input", converter = SexModeConverter.class,
            description = "per-sex (two networks), sex-input (sex fed to the head) or agnostic (default: ${DEFAULT-VALUE}).")
    SexHandling sexMode;

    @Option(names = "--roi", paramLabel = "SCHEME", defaultValue = "whole", converter = Converters.RoiConverter.class,
            description = "whole, roi1, roi2 or roi3 (default: ${DEFAULT-VALUE}); roi1-3 need --landmarks.")
    RoiScheme roi;

    @Option(names = "--landmarks", paramLabel = "FILE|auto",
            description = "Landmarks CSV (with roi1-3 only images listed in it are used), or 'auto' to detect them "
                    + "(images the detector's quality gate rejects are left out and reported).")
    String landmarks;

    @Option(names = "--equalizer", paramLabel = "METHOD", defaultValue = "histeq-matlab",
            converter = Converters.EqualizerConverter.class,
            description = "none, histeq, histeq-matlab or clahe (default: ${DEFAULT-VALUE}).")
    EqualizerSpec equalizer;

    @Option(names = "--size", paramLabel = "N", defaultValue = "160", description = "Input side in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Passes over the training images (default: 10 with adamw, the paper's 3000 iterations with seed).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", description = "Images per iteration (default: 32).")
    Integer batch;

    @Option(names = "--solver", paramLabel = "SOLVER", defaultValue = "adamw",
            description = "adamw (cosine schedule, augmentation) or seed (the 2018 paper's Caffe SGD) (default: ${DEFAULT-VALUE}).")
    TrainingSetup.Solver solver;

    @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.15",
            description = "Share of the images held out for validation, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "20260101",
            description = "Seed of the split and of the training (default: ${DEFAULT-VALUE}, the default model's split).")
    long seed;

    @Option(names = "--limit", paramLabel = "N", description = "Use at most N images (the split is made on all of them first).")
    Integer limit;

    @Option(names = "--resume", description = "Resume from the checkpoints in BUNDLE.checkpoints after an interruption.")
    boolean resume;

    @Override
    public Integer call() {
        checkOptions();
        BackboneSpec backboneSpec;
        try {
            backboneSpec = pretrained != null ? TrainingSetup.pretrained(pretrained)
                    : BackboneSpec.scratch(backbone == null ? Architecture.RESNET18 : backbone);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
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
        if (roi.needsLandmarks()) {
            if (landmarks == null) {
                throw new ParameterException(spec.commandLine(), "--roi " + roi.label() + " needs --landmarks FILE|auto");
            }
            if (!auto) {
                samples = samples.stream().filter(s -> s.landmarks().isPresent()).toList();
                spec.commandLine().getOut().printf("%d of %d images have landmarks in %s and are used%n", samples.size(),
                        dataset.size(), landmarks);
            }
        }
        DatasetSplit split = TrainingSetup.split(samples, validationFraction, seed, limit);
        if (auto && roi.needsLandmarks()) {
            int before = split.train().size() + split.validation().size();
            split = AutoLandmarks.attach(split, LandmarkDetectors.defaultDetector(), problems);
            spec.commandLine().getOut().printf("landmarks detected on %d of %d images%n",
                    split.train().size() + split.validation().size(), before);
        }

        ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr(), "", Progress.wanted(spec));
        TrainingReport report;
        try {
            report = BoneAgeTrainer.builder()
                    .setSplit(split)
                    .setPreprocessSpec(TrainingSetup.preprocess(roi, equalizer, size))
                    .setBackbone(backboneSpec)
                    .setOutputDirectory(out)
                    .optDataName(dataset.describe())
                    .optSexHandling(sexMode)
                    .optSettings(TrainingSetup.settings(solver, epochs, batch, seed))
                    .optResume(resume)
                    .addListener(progress)
                    .build()
                    .train();
        } finally {
            progress.close();
        }
        problems.addAll(progress.skipped());

        List<EpochRecord> history = report.networks().stream().flatMap(n -> n.history().stream()).toList();
        Path folder = out.toAbsolutePath().normalize();
        String name = folder.getFileName().toString();
        List<Path> curves = Plots.trainingCurves(history, folder.resolveSibling(name + LOSS_PNG_SUFFIX),
                folder.resolveSibling(name + MAD_PNG_SUFFIX));
        var o = spec.commandLine().getOut();
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

    private void checkOptions() {
        if (size < 1) {
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
        if (pretrained != null && backbone != null) {
            throw new ParameterException(spec.commandLine(), "give either --backbone (trained from scratch) or --pretrained FILE");
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
