package io.github.boneage.djl.train.impl;

import ai.djl.Device;
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
import io.github.boneage.core.metrics.AgeMetrics;
import io.github.boneage.djl.train.EpochRecord;
import io.github.boneage.djl.train.StepProgress;
import io.github.boneage.djl.train.TrainingException;
import io.github.boneage.djl.train.TrainingProgressListener;
import io.github.boneage.djl.train.TrainingReport.NetworkReport;
import io.github.boneage.djl.train.TrainingSettings;
import io.github.boneage.djl.train.data.BatchLoader;
import io.github.boneage.djl.train.data.Seeds;
import io.github.boneage.djl.train.net.BoneAgeNetwork;
import io.github.boneage.djl.train.optim.TrainingOptimizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Trains one network: the iteration loop, validation, best-weights tracking, early stopping and checkpoints.
 *
 * <p>Checkpoint folder layout ({@link NetworkJob#checkpointDir()}): {@code state.json} (a {@link RunState}),
 * {@code step-NNNNNNNN/} (weights and {@code optimizer.bin} of the latest checkpoint), {@code best/} (the best
 * validation weights) and {@code final/} (the last weights, when there is no validation).
 */
public final class NetworkRun {

    private static final String STATE_FILE = "state.json";
    private static final String OPTIMIZER_FILE = "optimizer.bin";
    private static final int VALIDATION_BATCH = 32;

    private final NetworkJob job;
    private final TrainingSettings settings;
    private final List<TrainingProgressListener> listeners;

    /** @param job what to train */
    public NetworkRun(NetworkJob job) {
        this.job = job;
        this.settings = job.settings();
        this.listeners = job.listeners();
    }

    /**
     * Runs (or resumes, or returns the already finished result of) the network's training.
     *
     * @return the outcome
     * @throws TrainingException when training diverges, a checkpoint belongs to another run, or files cannot be written
     */
    public NetworkOutcome run() {
        try {
            Files.createDirectories(job.checkpointDir());
            RunState state = job.resume() ? readState() : null;
            if (state != null && state.finished() != null) {
                Path kept = job.checkpointDir().resolve(state.finished().validationImages() > 0 ? "best" : "final");
                return new NetworkOutcome(state.finished(), kept, state.bestPredictions());
            }
            return train(state);
        } catch (IOException e) {
            throw new TrainingException("network " + job.name() + ": cannot write checkpoints in " + job.checkpointDir() + ": "
                    + e.getMessage(), e);
        }
    }

    private RunState readState() throws IOException {
        Path file = job.checkpointDir().resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        RunState state = Json.MAPPER.readValue(file.toFile(), RunState.class);
        if (!job.fingerprint().equals(state.fingerprint())) {
            throw new TrainingException("checkpoint " + file + " belongs to a different run (the data or settings changed); "
                    + "delete " + job.checkpointDir() + " or choose another checkpoint folder");
        }
        return state;
    }

    private NetworkOutcome train(RunState resumed) throws IOException {
        int trainCount = job.trainMembers().length;
        int validationCount = job.validationMembers().length;
        boolean hasValidation = validationCount > 0;
        Engine engine = BoneAgeNetwork.engine();
        BoneAgeNetwork.configureTrainingThread();
        engine.setRandomSeed((int) Seeds.derive(settings.seed(), 4));

        try (BatchLoader loader = new BatchLoader(job.cache(), job.trainMembers(), job.trainLabels(), job.labelWidth(),
                        job.trainAux(), job.spec().auxiliaryInputs(), job.writer(), settings.augmentation(), settings.batchSize(),
                        Seeds.derive(settings.seed(), 5, job.name().hashCode()), settings.loaderThreads(), settings.prefetchBatches());
                BoneAgeNetwork network = resumed == null ? BoneAgeNetwork.create(job.spec(), job.backbone(), job.name())
                        : BoneAgeNetwork.load(job.checkpointDir().resolve(resumed.checkpointFolder()), job.spec(), true)) {
            int batchSize = loader.batchSize();
            int stepsPerEpoch = loader.stepsPerEpoch();
            int totalSteps = settings.totalSteps(trainCount);
            int validationInterval = settings.validationInterval() > 0 ? settings.validationInterval() : stepsPerEpoch;
            int checkpointInterval = settings.checkpointInterval() > 0 ? settings.checkpointInterval() : validationInterval;

            TrainingOptimizer optimizer = new TrainingOptimizer(settings.optimizer(), settings.schedule(), settings.baseLearningRate(),
                    totalSteps);
            Loss loss = Losses.of(job.spec().head(), settings.loss(), settings.huberDelta());
            DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = network.model().newTrainer(config)) {
                initialize(trainer, network, batchSize);
                optimizer.register(network.trainableParameters(), network.backboneParameterIds(),
                        settings.resolvedBackboneFactor(job.backbone().pretrained()));
                // The parameter arrays are updated in place, so the list checked after every backward pass is built once.
                List<NDArray> weights = network.trainableParameters().stream().map(Parameter::getArray).toList();
                Progress p = resumed == null ? new Progress() : Progress.from(resumed);
                if (resumed != null) {
                    Path moments = job.checkpointDir().resolve(resumed.checkpointFolder()).resolve(OPTIMIZER_FILE);
                    try (InputStream in = new BufferedInputStream(Files.newInputStream(moments))) {
                        optimizer.loadState(network.model().getNDManager(), new DataInputStream(in));
                    }
                }
                listeners.forEach(l -> l.onNetworkStart(job.name(), p.nextStep, totalSteps, trainCount, validationCount));
                long sessionStart = System.nanoTime();
                double wallAtStart = p.wallSeconds;
                long sessionTrainNanos = 0;
                long sessionImages = 0;
                boolean stoppedEarly = false;
                for (int step = p.nextStep; step < totalSteps; step++) {
                    long t0 = System.nanoTime();
                    BatchLoader.Batch batch = loader.take(step);
                    double lossValue = trainStep(trainer, optimizer, network, weights, batch, loader, step);
                    long elapsed = System.nanoTime() - t0;
                    sessionTrainNanos += elapsed;
                    sessionImages += batchSize;
                    p.trainSeconds += elapsed / 1e9;
                    p.trainImages += batchSize;
                    p.lossSinceRecord += lossValue;
                    p.stepsSinceRecord++;
                    p.imagesSinceRecord += batchSize;
                    p.secondsSinceRecord += elapsed / 1e9;
                    p.nextStep = step + 1;
                    p.wallSeconds = wallAtStart + (System.nanoTime() - sessionStart) / 1e9;
                    double imagesPerSecond = sessionImages / (sessionTrainNanos / 1e9);
                    double eta = (totalSteps - p.nextStep) * (sessionTrainNanos / 1e9 / (sessionImages / batchSize));
                    StepProgress progress = new StepProgress(job.name(), step / stepsPerEpoch, step, totalSteps, lossValue,
                            optimizer.currentLearningRate(), imagesPerSecond, eta);
                    listeners.forEach(l -> l.onStep(progress));

                    boolean last = p.nextStep == totalSteps;
                    if (p.nextStep % validationInterval == 0 || last) {
                        stoppedEarly = validate(network, optimizer, p, stepsPerEpoch, hasValidation, last);
                    }
                    if (!last && !stoppedEarly && p.nextStep % checkpointInterval == 0) {
                        p.loaderWaitSeconds += loader.waitSeconds() - p.loaderWaitReported;
                        p.loaderWaitReported = loader.waitSeconds();
                        checkpoint(network, optimizer, p);
                    }
                    if (stoppedEarly) {
                        break;
                    }
                }
                p.loaderWaitSeconds += loader.waitSeconds() - p.loaderWaitReported;
                p.loaderWaitReported = loader.waitSeconds();
                Path kept;
                if (hasValidation) {
                    kept = job.checkpointDir().resolve("best");
                } else {
                    kept = job.checkpointDir().resolve("final");
                    replaceWith(kept, network);
                    p.bestStep = p.nextStep;
                }
                NetworkReport report = new NetworkReport(job.name(), job.spec(), trainCount, validationCount, p.nextStep, totalSteps,
                        stoppedEarly, p.bestStep, p.bestMad, p.bestCcc, p.trainImages / Math.max(1e-9, p.trainSeconds),
                        p.loaderWaitSeconds, p.history);
                writeState(p.toState(job.fingerprint(), null, report));
                deleteStepFolders(null);
                return new NetworkOutcome(report, kept, p.bestPredictions);
            }
        }
    }

    /** Initializes the network, turning a backbone that rejects the input shape into an error that says so. */
    private void initialize(Trainer trainer, BoneAgeNetwork network, int batchSize) {
        Shape[] shapes = network.inputShapes(batchSize);
        try {
            trainer.initialize(shapes);
        } catch (RuntimeException e) {
            throw new TrainingException("backbone " + job.backbone().name() + " does not accept inputs of shape " + shapes[0]
                    + " (preprocessing: " + job.spec().channels() + " channels, " + job.spec().inputSize() + " px): "
                    + firstLine(e), e);
        }
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private double trainStep(Trainer trainer, TrainingOptimizer optimizer, BoneAgeNetwork network, List<NDArray> weights,
            BatchLoader.Batch batch, BatchLoader loader, int step) {
        int n = batch.size();
        try (NDManager manager = trainer.getManager().newSubManager()) {
            Shape[] shapes = network.inputShapes(n);
            NDList data = new NDList(manager.create(FloatBuffer.wrap(batch.images(), 0, n * network.imageSize()), shapes[0]));
            if (shapes.length > 1) {
                data.add(manager.create(FloatBuffer.wrap(batch.auxiliary()), shapes[1]));
            }
            NDList labels = new NDList(manager.create(FloatBuffer.wrap(batch.labels()), new Shape(n, job.labelWidth())));
            loader.recycle(batch);
            // Dropout draws from the engine's generator: seeding it per iteration keeps a resumed run identical.
            trainer.getManager().getEngine().setRandomSeed((int) Seeds.derive(settings.seed(), 3, step));
            float value;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList predictions = trainer.forward(data, labels);
                NDArray lossValue = trainer.getLoss().evaluate(labels, predictions);
                collector.backward(lossValue);
                value = lossValue.getFloat();
            }
            if (!Float.isFinite(value)) {
                throw new TrainingException("network " + job.name() + " diverged at iteration " + step + " (loss " + value
                        + "); lower the learning rate (now " + optimizer.currentLearningRate() + ")");
            }
            if (!GradientGuard.allFinite(weights)) {
                // Applying them would make every weight they touch NaN; the run cannot recover from that.
                GradientGuard.discard(weights);
                throw new TrainingException("network " + job.name() + " produced non-finite gradients at iteration " + step
                        + " with a finite loss (" + value + "); lower the learning rate (now "
                        + optimizer.currentLearningRate() + ") or resume from the last checkpoint");
            }
            optimizer.setStep(step);
            trainer.step();
            return value;
        }
    }

    /** @return whether early stopping ends the run */
    private boolean validate(BoneAgeNetwork network, TrainingOptimizer optimizer, Progress p, int stepsPerEpoch,
            boolean hasValidation, boolean last) throws IOException {
        double mad = Double.NaN;
        double ccc = Double.NaN;
        double[] predictions = null;
        if (hasValidation) {
            predictions = predictValidation(network);
            AgeMetrics metrics = AgeMetrics.of(job.validationAges(), predictions);
            mad = metrics.mad();
            ccc = metrics.ccc();
        }
        EpochRecord record = new EpochRecord(job.name(), p.nextStep / (double) stepsPerEpoch, p.nextStep,
                p.lossSinceRecord / Math.max(1, p.stepsSinceRecord), mad, ccc,
                p.imagesSinceRecord / Math.max(1e-9, p.secondsSinceRecord), p.wallSeconds, optimizer.currentLearningRate());
        p.history.add(record);
        p.lossSinceRecord = 0;
        p.stepsSinceRecord = 0;
        p.imagesSinceRecord = 0;
        p.secondsSinceRecord = 0;
        listeners.forEach(l -> l.onValidation(record));
        if (!hasValidation) {
            return false;
        }
        if (Double.isNaN(p.bestMad) || mad < p.bestMad) {
            p.bestMad = mad;
            p.bestCcc = ccc;
            p.bestStep = p.nextStep;
            p.bestPredictions = predictions;
            p.validationsWithoutImprovement = 0;
            replaceWith(job.checkpointDir().resolve("best"), network);
            return false;
        }
        p.validationsWithoutImprovement++;
        return !last && settings.earlyStoppingPatience() > 0 && p.validationsWithoutImprovement >= settings.earlyStoppingPatience();
    }

    private double[] predictValidation(BoneAgeNetwork network) {
        int count = job.validationMembers().length;
        int aux = job.spec().auxiliaryInputs();
        int floats = network.imageSize();
        double[] out = new double[count];
        float[] images = new float[VALIDATION_BATCH * floats];
        float[] auxiliary = new float[VALIDATION_BATCH * aux];
        for (int start = 0; start < count; start += VALIDATION_BATCH) {
            int n = Math.min(VALIDATION_BATCH, count - start);
            for (int i = 0; i < n; i++) {
                job.writer().write(job.cache().image(job.validationMembers()[start + i]), images, i * floats);
            }
            if (aux > 0) {
                System.arraycopy(job.validationAux(), start * aux, auxiliary, 0, n * aux);
            }
            double[] months = network.predictMonths(images, n, aux > 0 ? auxiliary : null);
            System.arraycopy(months, 0, out, start, n);
        }
        return out;
    }

    private void checkpoint(BoneAgeNetwork network, TrainingOptimizer optimizer, Progress p) throws IOException {
        String folder = String.format("step-%08d", p.nextStep);
        Path dir = job.checkpointDir().resolve(folder);
        network.save(dir);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(dir.resolve(OPTIMIZER_FILE)))) {
            optimizer.saveState(new DataOutputStream(os));
        }
        writeState(p.toState(job.fingerprint(), folder, null));
        deleteStepFolders(folder);
        listeners.forEach(l -> l.onCheckpoint(job.name(), p.nextStep, dir));
    }

    private void writeState(RunState state) throws IOException {
        Path file = job.checkpointDir().resolve(STATE_FILE);
        Path tmp = job.checkpointDir().resolve(STATE_FILE + ".tmp");
        Json.MAPPER.writeValue(tmp.toFile(), state);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Saves into a sibling folder first, so a crash never leaves a half-written {@code target}. */
    private static void replaceWith(Path target, BoneAgeNetwork network) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        deleteTree(tmp);
        network.save(tmp);
        deleteTree(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private void deleteStepFolders(String keep) throws IOException {
        try (Stream<Path> children = Files.list(job.checkpointDir())) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (name.startsWith("step-") && !name.equals(keep)) {
                    deleteTree(child);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Mutable loop state, convertible to and from {@link RunState}. */
    private static final class Progress {
        int nextStep;
        List<EpochRecord> history = new ArrayList<>();
        double bestMad = Double.NaN;
        double bestCcc = Double.NaN;
        int bestStep;
        double[] bestPredictions = new double[0];
        int validationsWithoutImprovement;
        double lossSinceRecord;
        int stepsSinceRecord;
        long imagesSinceRecord;
        double secondsSinceRecord;
        double trainSeconds;
        long trainImages;
        double wallSeconds;
        double loaderWaitSeconds;
        double loaderWaitReported;

        static Progress from(RunState s) {
            Progress p = new Progress();
            p.nextStep = s.nextStep();
            p.history = new ArrayList<>(s.history());
            p.bestMad = s.bestMad();
            p.bestCcc = s.bestCcc();
            p.bestStep = s.bestStep();
            p.bestPredictions = s.bestPredictions() == null ? new double[0] : s.bestPredictions();
            p.validationsWithoutImprovement = s.validationsWithoutImprovement();
            p.lossSinceRecord = s.lossSinceRecord();
            p.stepsSinceRecord = s.stepsSinceRecord();
            p.trainSeconds = s.trainSeconds();
            p.trainImages = s.trainImages();
            p.wallSeconds = s.wallSeconds();
            p.loaderWaitSeconds = s.loaderWaitSeconds();
            return p;
        }

        RunState toState(String fingerprint, String folder, NetworkReport finished) {
            return new RunState(fingerprint, nextStep, folder, history, bestMad, bestCcc, bestStep, bestPredictions,
                    validationsWithoutImprovement, lossSinceRecord, stepsSinceRecord, trainSeconds, trainImages, wallSeconds,
                    loaderWaitSeconds, finished);
        }
    }
}
