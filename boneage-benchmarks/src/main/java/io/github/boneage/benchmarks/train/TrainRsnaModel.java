package io.github.boneage.benchmarks.train;

import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.FractionSplit;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.djl.train.Augmentation;
import io.github.boneage.djl.train.BoneAgeTrainer;
import io.github.boneage.djl.train.EpochRecord;
import io.github.boneage.djl.train.LossFunction;
import io.github.boneage.djl.train.SexHandling;
import io.github.boneage.djl.train.StepProgress;
import io.github.boneage.djl.train.TrainingProgressListener;
import io.github.boneage.djl.train.TrainingReport;
import io.github.boneage.djl.train.TrainingSettings;
import io.github.boneage.djl.train.net.Architecture;
import io.github.boneage.djl.train.net.BackboneSpec;
import io.github.boneage.djl.train.net.HeadSpec;
import io.github.boneage.djl.train.optim.LearningRateSchedule;
import io.github.boneage.djl.train.optim.OptimizerSpec;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a bone-age model on an RSNA-format folder with a recorded, seeded held-out split, as planned for the
 * project's default model (docs/training.md, "The default model"), logging progress to a file. Resumable: run the
 * same command again after an interruption.
 *
 * <p>Options ({@code --name value}): {@code data} (RSNA folder), {@code out} (work folder; the bundle goes to
 * {@code out/bundle}, checkpoints to {@code out/checkpoints}, the log to {@code out/train.log}), {@code backbone}
 * (a TorchScript {@code .pt} file or an architecture label such as {@code resnet18}), {@code size} (160),
 * {@code channels} (3), {@code equalizer} ({@code histeq}), {@code sex} ({@code sex-input}), {@code head}
 * ({@code regression} or {@code age-bins}), {@code epochs} (20), {@code batch} (32), {@code lr} (1e-3),
 * {@code backbone-lr-factor} (auto), {@code loss} ({@code l1}), {@code holdout} (0.15), {@code split-seed} (20260101),
 * {@code train-limit} / {@code val-limit} (use only the first N of each part, for quick trials),
 * {@code patience} (early stopping, 0 = off), {@code cache} (a cache file), {@code loader-threads} (1; 0 assembles
 * batches on the training thread, which keeps a fully busy 2-core machine from preempting PyTorch's threads), {@code split-only} ({@code true}: write
 * {@code train-ids.txt} and {@code validation-ids.txt} and stop, e.g. to calibrate a backbone on the training images).
 */
public final class TrainRsnaModel {

    private TrainRsnaModel() {
    }

    /**
     * @param args see the class comment
     * @throws Exception when training fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path out = Path.of(a.getOrDefault("out", "boneage-training"));
        Files.createDirectories(out);
        PrintWriter log = new PrintWriter(Files.newBufferedWriter(out.resolve("train.log"), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
        log.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " start " + a);

        RsnaDataset dataset = RsnaDataset.builder().setFolder(Path.of(a.getOrDefault("data", "../shared/data/rsna-299"))).build();
        double holdout = Double.parseDouble(a.getOrDefault("holdout", "0.15"));
        long splitSeed = Long.parseLong(a.getOrDefault("split-seed", "20260101"));
        DatasetSplit split = FractionSplit.builder().setValidationFraction(holdout).setSeed(splitSeed).build().split(dataset.samples());
        split.writeValidationIds(out.resolve("validation-ids.txt"));
        split.writeTrainIds(out.resolve("train-ids.txt"));
        if (Boolean.parseBoolean(a.getOrDefault("split-only", "false"))) {
            log.println("split written: " + split.train().size() + " training ids, " + split.validation().size() + " held-out ids");
            log.close();
            return;
        }
        int trainLimit = Integer.parseInt(a.getOrDefault("train-limit", Integer.toString(split.train().size())));
        int valLimit = Integer.parseInt(a.getOrDefault("val-limit", Integer.toString(split.validation().size())));
        List<Sample> train = split.train().subList(0, Math.min(trainLimit, split.train().size()));
        List<Sample> validation = split.validation().subList(0, Math.min(valLimit, split.validation().size()));
        DatasetSplit used = new DatasetSplit(train, validation, split.description()
                + (train.size() < split.train().size() || validation.size() < split.validation().size()
                        ? String.format(Locale.ROOT, "; first %d training and %d held-out images used", train.size(), validation.size())
                        : ""), split.manifestFields());

        String backboneArg = a.getOrDefault("backbone", "resnet18");
        BackboneSpec backbone = backboneArg.endsWith(".pt")
                ? BackboneSpec.torchScript(Path.of(backboneArg), a.getOrDefault("backbone-name",
                        Path.of(backboneArg).getFileName().toString().replaceFirst("\\.pt$", "")))
                : BackboneSpec.scratch(Architecture.fromLabel(backboneArg));
        int size = Integer.parseInt(a.getOrDefault("size", "160"));
        int channels = Integer.parseInt(a.getOrDefault("channels", "3"));
        PreprocessSpec spec = channels == 3
                ? new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.ofName(a.getOrDefault("equalizer", "histeq")), size, 3,
                        PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD)
                : new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.ofName(a.getOrDefault("equalizer", "histeq")), size, 1,
                        new double[] {0.5}, new double[] {0.25});
        TrainingSettings.Builder settings = TrainingSettings.builder()
                .optBatchSize(Integer.parseInt(a.getOrDefault("batch", "32")))
                .optEpochs(Double.parseDouble(a.getOrDefault("epochs", "20")))
                .optBaseLearningRate(Double.parseDouble(a.getOrDefault("lr", "1e-3")))
                .optOptimizer(OptimizerSpec.adamW(Double.parseDouble(a.getOrDefault("weight-decay", "1e-4"))))
                .optSchedule(LearningRateSchedule.cosine(0.01).withWarmup(Integer.parseInt(a.getOrDefault("warmup", "100"))))
                .optLoss(LossFunction.fromLabel(a.getOrDefault("loss", "l1")))
                .optAugmentation(Boolean.parseBoolean(a.getOrDefault("augment", "true")) ? Augmentation.standard() : Augmentation.none())
                .optEarlyStoppingPatience(Integer.parseInt(a.getOrDefault("patience", "0")))
                .optLoaderThreads(Integer.parseInt(a.getOrDefault("loader-threads", "1")));
        if (a.containsKey("backbone-lr-factor")) {
            settings.optBackboneLearningRateFactor(Double.parseDouble(a.get("backbone-lr-factor")));
        }
        HeadSpec head = a.getOrDefault("head", "regression").equals("age-bins") ? HeadSpec.ageBins(48, 0, 240) : HeadSpec.regression();

        long start = System.nanoTime();
        BoneAgeTrainer.Builder trainer = BoneAgeTrainer.builder()
                .setSplit(used)
                .setPreprocessSpec(spec)
                .setBackbone(backbone)
                .setOutputDirectory(out.resolve("bundle"))
                .optCheckpointDirectory(out.resolve("checkpoints"))
                .optDataName("RSNA Pediatric Bone Age Challenge 2017 training set (" + dataset.describe() + ")")
                .optSexHandling(SexHandling.fromLabel(a.getOrDefault("sex", "sex-input")))
                .optHead(head)
                .optModelName(a.getOrDefault("name", "boneage-" + backbone.name() + "-" + size))
                .optSettings(settings.build())
                .addListener(new LogListener(log, start));
        if (a.containsKey("cache")) {
            trainer.optCacheFile(Path.of(a.get("cache")));
        }
        TrainingReport report = trainer.build().train();
        log.printf(Locale.ROOT, "%s done: held-out MAD %.2f months, CCC %.4f on %d images; %.1f min%n",
                LocalTime.now().truncatedTo(ChronoUnit.SECONDS), report.validationMad(), report.validationCcc(),
                report.validationImages(), (System.nanoTime() - start) / 60e9);
        long males = validation.stream().filter(s -> s.sex() == Sex.MALE).count();
        log.printf(Locale.ROOT, "held-out: %d male, %d female; bundle %s%n", males, validation.size() - males, out.resolve("bundle"));
        log.close();
    }

    /** Writes progress lines: every 20 iterations, every validation, every checkpoint, every skipped image. */
    private static final class LogListener implements TrainingProgressListener {
        private final PrintWriter log;
        private final long start;

        LogListener(PrintWriter log, long start) {
            this.log = log;
            this.start = start;
        }

        private String now() {
            return LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + String.format(Locale.ROOT, " +%.1fmin", (System.nanoTime() - start) / 60e9);
        }

        @Override
        public void onNetworkStart(String network, int firstStep, int totalSteps, int trainingImages, int validationImages) {
            log.printf(Locale.ROOT, "%s network %s: iterations %d..%d, %d training / %d held-out images%n", now(), network, firstStep,
                    totalSteps, trainingImages, validationImages);
        }

        @Override
        public void onStep(StepProgress p) {
            if ((p.step() + 1) % 20 == 0) {
                log.printf(Locale.ROOT, "%s %s epoch %d step %d/%d loss %.4f lr %.2e %.1f img/s eta %.0f min%n", now(), p.network(),
                        p.epoch(), p.step() + 1, p.totalSteps(), p.loss(), p.learningRate(), p.imagesPerSecond(), p.etaSeconds() / 60);
            }
        }

        @Override
        public void onValidation(EpochRecord r) {
            log.printf(Locale.ROOT, "%s VALIDATION %s epoch %.2f step %d train-loss %.4f held-out MAD %.2f CCC %.4f %.1f img/s%n",
                    now(), r.network(), r.epoch(), r.step(), r.trainLoss(), r.validationMad(), r.validationCcc(), r.imagesPerSecond());
        }

        @Override
        public void onCheckpoint(String network, int step, Path directory) {
            log.printf(Locale.ROOT, "%s checkpoint %s at step %d: %s%n", now(), network, step, directory);
        }

        @Override
        public void onImageSkipped(String imageId, String reason) {
            log.printf(Locale.ROOT, "%s skipped %s: %s%n", now(), imageId, reason);
        }
    }
}
