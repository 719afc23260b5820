package io.github.boneage.djl.train.landmarks;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.github.boneage.djl.impl.OneDnnIsa;
import io.github.boneage.djl.landmarks.LandmarkBundle;
import io.github.boneage.djl.landmarks.LandmarkNetBlock;
import io.github.boneage.djl.landmarks.LandmarkNetSpec;
import io.github.boneage.djl.landmarks.impl.PointOrder;
import io.github.boneage.djl.train.TrainingException;
import io.github.boneage.djl.train.data.Seeds;
import io.github.boneage.djl.train.impl.GradientGuard;
import io.github.boneage.djl.train.net.BoneAgeNetwork;
import io.github.boneage.djl.train.optim.LearningRateSchedule;
import io.github.boneage.djl.train.optim.OptimizerSpec;
import io.github.boneage.djl.train.optim.TrainingOptimizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Trains the learned landmark network ({@link LandmarkNetBlock}) by heatmap regression on DJL's PyTorch engine and
 * writes a {@link LandmarkBundle}. Each step draws a batch (annotated radiographs, synthetic hands and hand-free
 * negatives in the configured shares), augments it in Java ({@link LandmarkAugmentation}) and minimises a weighted
 * squared error between predicted and Gaussian target heatmaps (weight 1 + 4 x target, so that the few cells near a
 * point are not drowned by the many background cells; points without annotation are masked out), with the project's
 * AdamW ({@link TrainingOptimizer}) and a cosine schedule with warm-up.
 *
 * <p>With {@link LandmarkTrainingSettings.MaskHeadTraining#MASK_ONLY} it instead adds a hand-mask head to the initial
 * weights' network and trains that head alone on the frozen trunk: the loss is the squared error between the mask
 * channel and each heatmap cell's share of hand (the examples' {@link LandmarkExample#handMask()} carried through the
 * same augmentation), and every heatmap stays exactly as the initial weights give it.
 *
 * <p>Deterministic for a seed: each step's batch and augmentation come from a generator seeded by (seed, step), so a
 * run resumed from a checkpoint (every {@link LandmarkTrainingSettings#checkpointInterval()} steps, weights and
 * optimizer moments, in {@code OUTPUT/checkpoint}) sees the same batches it would have seen (the weights are not
 * bitwise those of an uninterrupted run: PyTorch's multi-threaded CPU reductions do not add in a fixed order). No validation is done during training and the
 * final weights are kept: nothing is selected on held-out images.
 */
public final class LandmarkTrainer {

    private static final String CHECKPOINT = "checkpoint";
    private static final String WEIGHTS = "weights.bin";
    /** Non-finite losses in a row after which the run is declared diverged. */
    private static final int MAX_SKIPPED_IN_A_ROW = 10;

    private final List<LandmarkExample> examples;
    private final List<LandmarkExample> synthetic;
    private final List<LandmarkExample> pseudo;
    private final Path initialWeights;
    private final Path output;
    private final LandmarkTrainingSettings settings;
    private final Consumer<String> progress;
    private final Map<String, String> provenance;

    private LandmarkTrainer(Builder b) {
        this.examples = List.copyOf(b.examples);
        this.synthetic = List.copyOf(b.synthetic);
        this.pseudo = List.copyOf(b.pseudo);
        this.initialWeights = b.initialWeights;
        this.output = b.output;
        this.settings = b.settings;
        this.progress = b.progress;
        this.provenance = new LinkedHashMap<>(b.provenance);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains (or resumes a checkpointed run of the same settings) and writes the bundle into the output folder.
     *
     * @return the bundle written
     * @throws IOException       when the output cannot be written
     * @throws TrainingException when the loss diverges
     */
    public LandmarkBundle train() throws IOException {
        Files.createDirectories(output);
        Path ckpt = output.resolve(CHECKPOINT);
        boolean maskOnly = settings.maskHead() == LandmarkTrainingSettings.MaskHeadTraining.MASK_ONLY;
        LandmarkNetSpec spec = new LandmarkNetSpec(settings.inputSize(), settings.width(), PointOrder.COUNT, maskOnly);
        Engine engine = BoneAgeNetwork.engine();
        BoneAgeNetwork.configureTrainingThread();
        engine.setRandomSeed((int) Seeds.derive(settings.seed(), 1));
        int start = readCheckpointStep(ckpt);
        LandmarkAugmentation augmentation = new LandmarkAugmentation(settings.inputSize(), settings.sigma(),
                settings.fullRotationFraction());
        int n = settings.batchSize();
        int s = settings.inputSize();
        int h = spec.heatmapSize();
        float[] input = new float[n * s * s];
        float[] target = new float[n * PointOrder.COUNT * h * h];
        float[] mask = new float[n * PointOrder.COUNT];
        float[] handTarget = maskOnly ? new float[n * h * h] : null;
        float[] handWeight = maskOnly ? new float[n] : null;
        long t0 = System.nanoTime();
        LandmarkBundle initial = initialWeights == null ? null : LandmarkBundle.load(initialWeights);
        try (Model model = Model.newInstance(LandmarkBundle.MODEL_NAME, Device.cpu(), "PyTorch")) {
            LandmarkNetBlock block = new LandmarkNetBlock(spec);
            model.setBlock(block);
            TrainingOptimizer optimizer = new TrainingOptimizer(OptimizerSpec.adamW(settings.weightDecay()),
                    LearningRateSchedule.cosine(0.01).withWarmup(Math.min(100, settings.steps() / 10)),
                    settings.learningRate(), settings.steps());
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer)
                    .optDevices(new Device[] {Device.cpu()});
            // Weights are loaded before the trainer exists (as BoneAgeNetwork does): the trainer then attaches
            // gradients to the loaded arrays. Loading into a model a trainer already initialized leaves the trainer on
            // stale arrays.
            if (start > 0) {
                block.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(n, 1, s, s));
                try (InputStream in = new BufferedInputStream(Files.newInputStream(ckpt.resolve(WEIGHTS)))) {
                    block.loadParameters(model.getNDManager(), new DataInputStream(in));
                } catch (ai.djl.MalformedModelException e) {
                    throw new TrainingException("checkpoint " + ckpt + " cannot be loaded: " + e.getMessage(), e);
                }
            } else if (initial != null) {
                block.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(n, 1, s, s));
                if (initial.spec().equals(spec)) {
                    try {
                        model.load(initial.folder(), LandmarkBundle.MODEL_NAME);
                    } catch (ai.djl.MalformedModelException e) {
                        throw new TrainingException("initial weights " + initialWeights + " cannot be loaded: " + e.getMessage(), e);
                    }
                } else if (maskOnly && initial.spec().withMaskHead().equals(spec)) {
                    loadTrunk(initial, block);
                } else {
                    throw new TrainingException("initial weights " + initialWeights + " are for network " + initial.spec()
                            + ", not " + spec);
                }
                progress.accept("initialized from " + initialWeights + " (sha256 " + initial.sha256() + ")");
            }
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(n, 1, s, s));
                if (maskOnly) {
                    block.freezeTrunk();
                }
                List<Parameter> params = new ArrayList<>();
                block.getParameters().forEach(p -> {
                    if (p.getValue().requiresGradient()) {
                        params.add(p.getValue());
                    }
                });
                optimizer.register(params, Set.of(), 1.0);
                List<NDArray> weights = params.stream().map(Parameter::getArray).toList();
                List<NDArray> runningStats = runningStatistics(block);
                if (start > 0) {
                    try (InputStream in = new BufferedInputStream(Files.newInputStream(ckpt.resolve("optimizer.bin")))) {
                        optimizer.loadState(model.getNDManager(), new DataInputStream(in));
                    }
                    progress.accept("resumed at step " + start);
                }
                double lossSum = 0;
                int lossCount = 0;
                int skippedInARow = 0;
                int skipped = 0;
                for (int step = start; step < settings.steps(); step++) {
                    Random rnd = new Random(Seeds.derive(settings.seed(), 2, step));
                    fillBatch(rnd, augmentation, input, target, mask, handTarget, handWeight);
                    float[][] statsBefore = snapshot(runningStats);
                    float value;
                    try (NDManager m = trainer.getManager().newSubManager()) {
                        NDArray x = m.create(FloatBuffer.wrap(input), new Shape(n, 1, s, s));
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray out = trainer.forward(new NDList(x)).singletonOrThrow();
                            NDArray loss;
                            if (maskOnly) {
                                // The mask head alone: squared error towards each cell's share of hand, for examples
                                // with a known mask, averaged over cells.
                                NDArray ht = m.create(FloatBuffer.wrap(handTarget), new Shape(n, 1, h, h));
                                NDArray hw = m.create(FloatBuffer.wrap(handWeight), new Shape(n, 1, 1, 1));
                                NDArray md = out.get(":, " + PointOrder.COUNT + ":").sub(ht);
                                loss = md.mul(md).mul(hw).sum().div((float) n * h * h);
                            } else {
                                NDArray t = m.create(FloatBuffer.wrap(target), new Shape(n, PointOrder.COUNT, h, h));
                                NDArray k = m.create(FloatBuffer.wrap(mask), new Shape(n, PointOrder.COUNT, 1, 1));
                                NDArray diff = out.sub(t);
                                NDArray weight = t.mul(4).add(1).mul(k);
                                loss = diff.mul(diff).mul(weight).sum().div((float) n * PointOrder.COUNT);
                            }
                            gc.backward(loss);
                            value = loss.getFloat();
                        }
                    }
                    if (Float.isFinite(value) && GradientGuard.allFinite(weights)) {
                        skippedInARow = 0;
                        optimizer.setStep(step);
                        trainer.step();
                        lossSum += value;
                        lossCount++;
                    } else {
                        // The update is dropped (its gradients zeroed, as PyTorch would add them to the next step's);
                        // only a run of such steps means divergence. The step still counts for the schedule,
                        // progress and checkpoints, so a resumed run sees the same batches.
                        GradientGuard.discard(weights);
                        // The forward pass already folded this batch into the batch norms' running statistics: a NaN
                        // there would survive every later step and make the saved network answer NaN everywhere.
                        restore(runningStats, statsBefore);
                        skipped++;
                        if (++skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
                            throw new TrainingException("landmark training diverged at step " + step + " (loss " + value
                                    + ", or its gradients, not finite for " + skippedInARow
                                    + " steps in a row); lower the learning rate (now " + optimizer.currentLearningRate()
                                    + ")");
                        }
                        progress.accept("step " + (step + 1) + ": loss " + value
                                + (Float.isFinite(value) ? " with non-finite gradients" : "") + ", step skipped");
                    }
                    int done = step + 1;
                    if ((done % 20 == 0 || done == settings.steps()) && lossCount > 0) {
                        double secs = (System.nanoTime() - t0) / 1e9;
                        double perStep = secs / (done - start);
                        progress.accept(String.format(Locale.ROOT, "step %d/%d loss %.4f lr %.2e %.2f s/step eta %.0f s",
                                done, settings.steps(), lossSum / lossCount, optimizer.currentLearningRate(), perStep,
                                perStep * (settings.steps() - done)));
                        lossSum = 0;
                        lossCount = 0;
                    }
                    if (done % settings.checkpointInterval() == 0 && done < settings.steps()) {
                        writeCheckpoint(ckpt, model, optimizer, done, settings.toString());
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                requireFiniteParameters(block);
                model.setProperty("Epoch", "0");
                model.save(output, LandmarkBundle.MODEL_NAME);
                Map<String, String> prov = new LinkedHashMap<>(provenance);
                prov.put("trainer", LandmarkTrainer.class.getName());
                prov.put("settings", settings.toString());
                prov.put("examples", Integer.toString(examples.size()));
                prov.put("syntheticHands", Integer.toString(synthetic.size()));
                prov.put("pseudoLabelled", Integer.toString(pseudo.size()));
                prov.put("skippedNonFiniteSteps", Integer.toString(skipped));
                if (initial != null) {
                    prov.put("initialWeights", "landmark bundle weights sha256 " + initial.sha256());
                    // The chain of provenance: where the initial weights came from (for a mask head trained alone,
                    // everything about the points).
                    initial.provenance().forEach((k, v) -> prov.put("initialWeights." + k, v));
                }
                prov.put("trainingSecondsThisSession", String.format(Locale.ROOT, "%.0f", seconds));
                prov.put("resumedFromStep", Integer.toString(start));
                prov.put("finishedAt", Instant.now().toString());
                prov.put("djl", Engine.getDjlVersion());
                prov.put("engine", engine.getEngineName() + " " + engine.getVersion());
                prov.put("java", System.getProperty("java.version"));
                prov.put("onednnMaxCpuIsa", OneDnnIsa.describe());
                return LandmarkBundle.write(output, spec, settings.sigma(), LandmarkBundle.MODEL_NAME + "-0000.params", prov);
            }
        }
    }

    private void fillBatch(Random rnd, LandmarkAugmentation augmentation, float[] input, float[] target, float[] mask,
            float[] handTarget, float[] handWeight) {
        for (int i = 0; i < settings.batchSize(); i++) {
            double u = rnd.nextDouble();
            if (u < settings.negativeFraction()) {
                augmentation.renderNegative(rnd, input, target, mask, handTarget, handWeight, i);
                continue;
            }
            LandmarkExample ex;
            if (!synthetic.isEmpty() && u < settings.negativeFraction() + settings.syntheticFraction()) {
                ex = synthetic.get(rnd.nextInt(synthetic.size()));
            } else if (!pseudo.isEmpty()
                    && u < settings.negativeFraction() + settings.syntheticFraction() + settings.pseudoFraction()) {
                ex = pseudo.get(rnd.nextInt(pseudo.size()));
            } else {
                ex = examples.get(rnd.nextInt(examples.size()));
            }
            augmentation.render(ex, rnd, input, target, mask, handTarget, handWeight, i);
        }
    }

    /** @return the batch norms' running means and variances (updated by every forward pass in training mode) */
    private static List<NDArray> runningStatistics(LandmarkNetBlock block) {
        List<NDArray> out = new ArrayList<>();
        for (var p : block.getParameters()) {
            if (p.getKey().endsWith("runningMean") || p.getKey().endsWith("runningVar")) {
                out.add(p.getValue().getArray());
            }
        }
        return out;
    }

    private static float[][] snapshot(List<NDArray> arrays) {
        float[][] out = new float[arrays.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = arrays.get(i).toFloatArray();
        }
        return out;
    }

    private static void restore(List<NDArray> arrays, float[][] values) {
        for (int i = 0; i < values.length; i++) {
            arrays.get(i).set(FloatBuffer.wrap(values[i]));
        }
    }

    /**
     * Refuses to write weights that are not all finite (the last guard: a skipped step's running statistics are
     * restored, and a non-finite update is never applied).
     */
    private static void requireFiniteParameters(LandmarkNetBlock block) {
        for (var p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            try (NDArray sum = a.sum()) {
                if (!Float.isFinite(sum.getFloat())) {
                    throw new TrainingException("landmark training ended with non-finite weights (" + p.getKey()
                            + "); nothing was written: rerun, or lower the learning rate");
                }
            }
        }
    }

    /**
     * Starts a network with a mask head from a bundle of the same network without one: every trunk and heatmap-head
     * parameter is copied over by name (the mask head keeps its random initialization).
     */
    private static void loadTrunk(LandmarkBundle from, LandmarkNetBlock block) throws IOException {
        try (Model trunk = Model.newInstance(LandmarkBundle.MODEL_NAME, Device.cpu(), "PyTorch")) {
            LandmarkNetBlock source = new LandmarkNetBlock(from.spec());
            trunk.setBlock(source);
            try {
                trunk.load(from.folder(), LandmarkBundle.MODEL_NAME);
            } catch (ai.djl.MalformedModelException e) {
                throw new TrainingException("initial weights " + from.folder() + " cannot be loaded: " + e.getMessage(), e);
            }
            Map<String, Parameter> target = new LinkedHashMap<>();
            int outsideMaskHead = 0;
            for (var p : block.getParameters()) {
                target.put(p.getKey(), p.getValue());
                outsideMaskHead += p.getKey().contains("maskHead") ? 0 : 1;
            }
            int copied = 0;
            for (var p : source.getParameters()) {
                Parameter to = target.get(p.getKey());
                if (to == null || !to.getArray().getShape().equals(p.getValue().getArray().getShape())) {
                    throw new TrainingException("initial weights " + from.folder() + ": parameter " + p.getKey()
                            + " has no counterpart of its shape in " + block.spec().describe());
                }
                p.getValue().getArray().copyTo(to.getArray());
                copied++;
            }
            if (copied != outsideMaskHead) {
                throw new TrainingException("initial weights " + from.folder() + " set " + copied + " of the "
                        + outsideMaskHead + " parameters outside the mask head");
            }
        }
    }

    private int readCheckpointStep(Path ckpt) throws IOException {
        Path state = ckpt.resolve("state.txt");
        if (!Files.isRegularFile(state)) {
            return 0;
        }
        List<String> lines = Files.readAllLines(state, StandardCharsets.UTF_8);
        if (lines.size() < 2 || !lines.get(1).equals(settings.toString())) {
            throw new TrainingException("checkpoint " + state + " was written with other settings (" + (lines.size() < 2 ? "none"
                    : lines.get(1)) + "); use a new output folder or the same settings");
        }
        return Integer.parseInt(lines.get(0).trim());
    }

    private static void writeCheckpoint(Path ckpt, Model model, TrainingOptimizer optimizer, int step, String settingsLine) throws IOException {
        Path tmp = ckpt.resolveSibling(CHECKPOINT + ".tmp");
        if (Files.exists(tmp)) {
            try (var files = Files.list(tmp)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(tmp);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.resolve(WEIGHTS)))) {
            model.getBlock().saveParameters(new DataOutputStream(out));
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.resolve("optimizer.bin")))) {
            optimizer.saveState(new DataOutputStream(out));
        }
        Files.writeString(tmp.resolve("state.txt"), step + "\n" + settingsLine + "\n", StandardCharsets.UTF_8);
        // Swap folders so that an interruption leaves either the old or the new checkpoint, never half of one.
        if (Files.exists(ckpt)) {
            try (var files = Files.list(ckpt)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(ckpt);
        }
        Files.move(tmp, ckpt, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Builder of {@link LandmarkTrainer}. */
    public static final class Builder {
        private List<LandmarkExample> examples = List.of();
        private List<LandmarkExample> synthetic = List.of();
        private List<LandmarkExample> pseudo = List.of();
        private Path initialWeights;
        private Path output;
        private LandmarkTrainingSettings settings = LandmarkTrainingSettings.defaults();
        private Consumer<String> progress = s -> { };
        private final Map<String, String> provenance = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param value annotated radiographs (required, at least one)
         * @return this builder
         */
        public Builder setExamples(List<LandmarkExample> value) {
            this.examples = List.copyOf(value);
            return this;
        }

        /**
         * @param value the bundle folder (created if absent; a {@code checkpoint} subfolder there is resumed from)
         * @return this builder
         */
        public Builder setOutputDirectory(Path value) {
            this.output = Objects.requireNonNull(value, "output");
            return this;
        }

        /**
         * @param value synthetic hands mixed into batches at {@link LandmarkTrainingSettings#syntheticFraction()}
         * @return this builder
         */
        public Builder optSyntheticExamples(List<LandmarkExample> value) {
            this.synthetic = List.copyOf(value);
            return this;
        }

        /**
         * @param value pseudo-labelled radiographs (points placed by another detector) mixed into batches at
         *              {@link LandmarkTrainingSettings#pseudoFraction()}
         * @return this builder
         */
        public Builder optPseudoLabelledExamples(List<LandmarkExample> value) {
            this.pseudo = List.copyOf(value);
            return this;
        }

        /**
         * @param value a landmark bundle of the same network whose weights start the run (fine-tuning) instead of a
         *              random initialization; ignored when a checkpoint is resumed
         * @return this builder
         */
        public Builder optInitialWeights(Path value) {
            this.initialWeights = Objects.requireNonNull(value, "initialWeights");
            return this;
        }

        /**
         * @param value the settings (default {@link LandmarkTrainingSettings#defaults()})
         * @return this builder
         */
        public Builder optSettings(LandmarkTrainingSettings value) {
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        /**
         * @param value receives a progress line every 20 steps
         * @return this builder
         */
        public Builder optProgress(Consumer<String> value) {
            this.progress = Objects.requireNonNull(value, "progress");
            return this;
        }

        /**
         * @param key   provenance key (e.g. {@code data}, {@code split})
         * @param value its value
         * @return this builder
         */
        public Builder addProvenance(String key, String value) {
            provenance.put(key, value);
            return this;
        }

        /** @return the trainer */
        public LandmarkTrainer build() {
            if (output == null) {
                throw new IllegalStateException("setOutputDirectory is required");
            }
            if (examples.isEmpty()) {
                throw new IllegalStateException("setExamples needs at least one annotated example");
            }
            if (settings.maskHead() == LandmarkTrainingSettings.MaskHeadTraining.MASK_ONLY && initialWeights == null) {
                throw new IllegalStateException("a mask head trained alone (MASK_ONLY) needs optInitialWeights: the trunk it "
                        + "reads is frozen");
            }
            if (initialWeights != null && initialWeights.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
                throw new IllegalStateException("optInitialWeights must name another folder than the output " + output
                        + " (the run overwrites its output)");
            }
            return new LandmarkTrainer(this);
        }
    }
}
