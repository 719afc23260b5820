package io.github.boneage.benchmarks.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.djl.train.Augmentation;
import io.github.boneage.djl.train.BoneAgeTrainer;
import io.github.boneage.djl.train.LossFunction;
import io.github.boneage.djl.train.SexHandling;
import io.github.boneage.djl.train.StepProgress;
import io.github.boneage.djl.train.TrainingExample;
import io.github.boneage.djl.train.TrainingProgressListener;
import io.github.boneage.djl.train.TrainingReport;
import io.github.boneage.djl.train.TrainingSettings;
import io.github.boneage.djl.train.net.Architecture;
import io.github.boneage.djl.train.net.BackboneSpec;
import io.github.boneage.djl.train.net.BoneAgeNetwork;
import io.github.boneage.djl.train.net.HeadSpec;
import io.github.boneage.djl.train.net.NetworkSpec;
import io.github.boneage.djl.train.optim.LearningRateSchedule;
import io.github.boneage.djl.train.optim.OptimizerSpec;
import io.github.boneage.djl.train.optim.TrainingOptimizer;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Training throughput, three ways on the same machine in the same run, for the same network (backbone + linear
 * regression head), input size, batch size and optimizer:
 *
 * <ol>
 *   <li><b>trainer</b>: {@code BoneAgeTrainer} end to end on cached images (background batch assembly with
 *       augmentation, tensor creation, forward, backward, update), timed over the iterations after the warm-up;</li>
 *   <li><b>raw DJL</b>: {@code EasyTrain.trainBatch} + {@code Trainer.step} on one pre-built batch of tensors, with the
 *       same network and optimizer: the ceiling for any Java data pipeline;</li>
 *   <li><b>PyTorch</b>: {@code tools/bench_train.py} (plain PyTorch from Python, pre-built tensors), when a Python
 *       interpreter is given.</li>
 * </ol>
 *
 * <p>The machine may be shared: each figure comes from per-iteration times, as the median iteration's rate and the
 * fastest iteration's rate; ratios are taken between like figures.
 *
 * <p>Usage: {@code TrainingThroughput --backbone FILE.pt|ARCH [--size 224] [--batch 32] [--steps 20] [--warmup 3]
 * [--data rsna-299-folder] [--python /usr/bin/python3 --script tools/bench_train.py] [--torchvision-name resnet18]
 * [--only trainer|raw|python] [--loader-threads 1]}.
 * Prints one line per measurement and the ratios.
 */
public final class TrainingThroughput {

    private TrainingThroughput() {
    }

    /**
     * @param args see the class comment
     * @throws Exception when a measurement fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String backboneArg = a.getOrDefault("backbone", "small-cnn");
        int size = Integer.parseInt(a.getOrDefault("size", "224"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "32"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "20"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "3"));
        BackboneSpec backbone = backboneArg.endsWith(".pt") ? BackboneSpec.torchScript(Path.of(backboneArg), "bench")
                : BackboneSpec.scratch(Architecture.fromLabel(backboneArg));
        PreprocessSpec spec = new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.none(), size, 3, PreprocessSpec.IMAGENET_MEAN,
                PreprocessSpec.IMAGENET_STD);
        TrainingSettings settings = TrainingSettings.builder()
                .optBatchSize(batch)
                .optIterations(warmup + steps)
                .optOptimizer(OptimizerSpec.adamW(1e-4))
                .optSchedule(LearningRateSchedule.constant())
                .optLoss(LossFunction.L1)
                .optAugmentation(Augmentation.standard())
                .optLoaderThreads(Integer.parseInt(a.getOrDefault("loader-threads", "1")))
                .build();
        System.out.printf(Locale.ROOT, "network %s, input %dx%d, batch %d, %d timed iterations after %d warm-up, %d cores%n",
                backbone.name().equals("bench") ? backboneArg : backbone.name(), size, size, batch, steps, warmup,
                Runtime.getRuntime().availableProcessors());
        // The figure depends on it more than on anything else (4x on our machine), so every run says which it had.
        System.out.printf(Locale.ROOT, "%s=%s (1: libtorch's large tensors on transparent huge pages)%n",
                BoneAgeNetwork.HUGE_PAGE_VARIABLE, System.getenv(BoneAgeNetwork.HUGE_PAGE_VARIABLE));
        System.out.printf(Locale.ROOT, "GLIBC_TUNABLES=%s (%s: one malloc arena that keeps freed memory)%n",
                System.getenv("GLIBC_TUNABLES"), BoneAgeNetwork.TRAINING_MALLOC_TUNABLES);

        String only = a.getOrDefault("only", "all");
        Rate trainer = null;
        if (only.equals("all") || only.equals("trainer")) {
            trainer = trainerRate(backbone, spec, settings, examples(a.get("data"), batch * (warmup + steps)), warmup, batch);
            print("trainer (BoneAgeTrainer, cached images, augmentation)", trainer);
        }
        Rate raw = null;
        if (only.equals("all") || only.equals("raw")) {
            raw = rawRate(backbone, spec, settings, warmup, steps, batch);
            print("raw DJL (EasyTrain.trainBatch, pre-built tensors)", raw);
        }
        if (trainer != null && raw != null) {
            System.out.printf(Locale.ROOT, "trainer / raw DJL = %.3f (median), %.3f (best)%n", trainer.median() / raw.median(),
                    trainer.best() / raw.best());
        }
        if (a.containsKey("python") && (only.equals("all") || only.equals("python"))) {
            Rate python = pythonRate(a, backboneArg, size, batch, steps, warmup);
            print("PyTorch (tools/bench_train.py, pre-built tensors)", python);
            if (trainer != null) {
                System.out.printf(Locale.ROOT, "trainer / PyTorch = %.3f (median), %.3f (best)%n", trainer.median() / python.median(),
                        trainer.best() / python.best());
            }
            if (raw != null) {
                System.out.printf(Locale.ROOT, "raw DJL / PyTorch = %.3f (median), %.3f (best)%n", raw.median() / python.median(),
                        raw.best() / python.best());
            }
        }
    }

    /**
     * Images per second from per-iteration times: the median iteration, and the fastest one (the least disturbed by
     * other processes on a shared machine).
     *
     * @param median images/s of the median iteration
     * @param best   images/s of the fastest iteration
     */
    record Rate(double median, double best) {
        static Rate of(double[] seconds, int batch) {
            double[] sorted = seconds.clone();
            java.util.Arrays.sort(sorted);
            return new Rate(batch / sorted[sorted.length / 2], batch / sorted[0]);
        }
    }

    private static void print(String what, Rate rate) {
        System.out.printf(Locale.ROOT, "%-55s %8.2f images/s median, %8.2f best iteration%n", what + ":", rate.median(), rate.best());
    }

    private static List<TrainingExample> examples(String data, int count) throws Exception {
        List<TrainingExample> out = new ArrayList<>();
        if (data != null && Files.isDirectory(Path.of(data))) {
            RsnaDataset dataset = RsnaDataset.builder().setFolder(Path.of(data)).build();
            for (Sample s : dataset.samples().subList(0, Math.min(count, dataset.size()))) {
                out.add(TrainingExample.ofFile(s.id(), s.image(), s.boneAgeMonths(), s.sex()));
            }
            return out;
        }
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[299 * 299];
            for (int k = 0; k < pixels.length; k++) {
                pixels[k] = (byte) random.nextInt(256);
            }
            out.add(TrainingExample.ofImage("random-" + i, new GreyImage8(299, 299, pixels), random.nextDouble() * 228,
                    i % 2 == 0 ? Sex.MALE : Sex.FEMALE));
        }
        return out;
    }

    private static Rate trainerRate(BackboneSpec backbone, PreprocessSpec spec, TrainingSettings settings,
            List<TrainingExample> examples, int warmup, int batch) throws Exception {
        Path out = Files.createTempDirectory("boneage-bench-");
        long[] times = new long[settings.iterations() + 1];
        TrainingProgressListener timer = new TrainingProgressListener() {
            @Override
            public void onStep(StepProgress progress) {
                times[progress.step() + 1] = System.nanoTime();
            }
        };
        TrainingReport report = BoneAgeTrainer.builder()
                .setTrainingData(examples)
                .setPreprocessSpec(spec)
                .setBackbone(backbone)
                .setOutputDirectory(out.resolve("bundle"))
                .optSexHandling(SexHandling.AGNOSTIC)
                .optSettings(settings)
                .addListener(timer)
                .build()
                .train();
        System.out.printf(Locale.ROOT, "  (image cache: %d images in %.1f s, %.1f MB; loader wait %.2f s in total)%n",
                report.trainingImages(), report.cacheSeconds(), report.cacheBytes() / 1e6, report.networks().get(0).loaderWaitSeconds());
        int last = settings.iterations();
        double[] seconds = new double[last - warmup];
        for (int i = warmup; i < last; i++) {
            seconds[i - warmup] = (times[i + 1] - times[i]) / 1e9;
        }
        return Rate.of(seconds, batch);
    }

    private static Rate rawRate(BackboneSpec backbone, PreprocessSpec spec, TrainingSettings settings, int warmup, int steps,
            int batch) {
        NetworkSpec networkSpec = new NetworkSpec(backbone.architecture().label(), backbone.name(),
                backbone.pretrained() ? NetworkSpec.FORMAT_TORCHSCRIPT_BACKBONE : NetworkSpec.FORMAT_DJL, spec.size(), 3,
                HeadSpec.regression(), false, false, 0, 1);
        // the same engine settings the trainer uses on its training thread
        BoneAgeNetwork.configureTrainingThread();
        try (BoneAgeNetwork network = BoneAgeNetwork.create(networkSpec, backbone, "raw")) {
            TrainingOptimizer optimizer = new TrainingOptimizer(settings.optimizer(), settings.schedule(), settings.baseLearningRate(),
                    warmup + steps);
            DefaultTrainingConfig config = new DefaultTrainingConfig(ai.djl.training.loss.Loss.l1Loss())
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = network.model().newTrainer(config); NDManager manager = trainer.getManager().newSubManager()) {
                trainer.initialize(network.inputShapes(batch));
                optimizer.register(network.trainableParameters(), network.backboneParameterIds(),
                        settings.resolvedBackboneFactor(backbone.pretrained()));
                NDArray data = manager.randomNormal(new Shape(batch, 3, spec.size(), spec.size()));
                NDArray labels = manager.randomNormal(new Shape(batch, 1));
                double[] seconds = new double[steps];
                for (int step = 0; step < warmup + steps; step++) {
                    long start = System.nanoTime();
                    // Each iteration's batch gets its own manager, closed after the step, as DJL's datasets do: the
                    // forward pass's arrays attach to the inputs' manager and would otherwise pile up.
                    try (NDManager stepManager = manager.newSubManager()) {
                        NDList x = new NDList(data.duplicate());
                        NDList y = new NDList(labels.duplicate());
                        x.attach(stepManager);
                        y.attach(stepManager);
                        Batch prebuilt = new Batch(stepManager, x, y, batch, Batchifier.STACK, Batchifier.STACK, 0, 1);
                        optimizer.setStep(step);
                        EasyTrain.trainBatch(trainer, prebuilt);
                        trainer.step();
                    }
                    if (step >= warmup) {
                        seconds[step - warmup] = (System.nanoTime() - start) / 1e9;
                    }
                }
                return Rate.of(seconds, batch);
            }
        }
    }

    private static Rate pythonRate(Map<String, String> a, String backbone, int size, int batch, int steps, int warmup)
            throws Exception {
        String pythonBackbone = backbone.endsWith(".pt") ? backbone : a.getOrDefault("torchvision-name", backbone);
        ProcessBuilder pb = new ProcessBuilder(a.get("python"), a.getOrDefault("script", "tools/bench_train.py"), "--backbone",
                pythonBackbone, "--size", Integer.toString(size), "--batch", Integer.toString(batch), "--steps",
                Integer.toString(steps), "--warmup", Integer.toString(warmup), "--threads",
                a.getOrDefault("threads", Integer.toString(Runtime.getRuntime().availableProcessors())), "--optimizer", "adamw");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String json = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("{")) {
                    json = line;
                } else {
                    System.out.println("  python: " + line);
                }
            }
        }
        if (p.waitFor() != 0 || json == null) {
            throw new IllegalStateException("tools/bench_train.py failed (exit " + p.exitValue() + ")");
        }
        System.out.println("  " + json);
        com.fasterxml.jackson.databind.JsonNode seconds = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("stepSeconds");
        double[] out = new double[seconds.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = seconds.get(i).asDouble();
        }
        return Rate.of(out, batch);
    }
}
