package io.github.boneage.spark.impl;

import io.github.boneage.clinical.uncertainty.UncertaintyCalibration;
import io.github.boneage.clinical.uncertainty.UncertaintyEstimator;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.djl.BoneAgeEstimators;
import io.github.boneage.pipeline.BoneAgePipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link BoneAgePipeline} per executor JVM and settings: the model is loaded by the first task that needs it and
 * shared by every later task and task thread of that JVM (the estimator and the pipeline are thread-safe; the
 * estimator's predictor pool bounds concurrent forward passes). Closed by a shutdown hook when the executor exits, so
 * that a model is loaded once per executor rather than once per task or partition.
 */
public final class ExecutorPipelines {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorPipelines.class);

    /** Loaded pipelines by {@link PipelineSettings#key()}; a failed load is kept too, so every task reports it fast. */
    private static final Map<String, Loaded> LOADED = new ConcurrentHashMap<>();

    static {
        // Air-gapped like the CLI: DJL never downloads an engine nor reports usage, whatever the executor's environment.
        System.setProperty("ai.djl.offline", "true");
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorPipelines::closeAll, "boneage-spark-model-cleanup"));
    }

    private ExecutorPipelines() {
    }

    /**
     * @param settings how to build the pipeline
     * @return this JVM's pipeline for these settings, loading the model on first use
     * @throws BoneAgeException if the model cannot be loaded here, or is not the model the driver saw
     */
    public static BoneAgePipeline get(PipelineSettings settings) {
        Loaded loaded = LOADED.computeIfAbsent(settings.key(), k -> load(settings));
        if (loaded.failure != null) {
            throw loaded.failure;
        }
        return loaded.pipeline;
    }

    /** @return how many pipelines this JVM holds (for tests: one per settings, however many tasks ran) */
    public static int loadedCount() {
        return (int) LOADED.values().stream().filter(l -> l.failure == null).count();
    }

    private static Loaded load(PipelineSettings s) {
        long start = System.nanoTime();
        ModelSource.Opened opened = null;
        BoneAgeEstimator estimator = null;
        try {
            opened = s.model().open();
            // A bundle, or each member of an ensemble, gets the executor's predictor pool and batch size.
            estimator = BoneAgeEstimators.open(opened.path(),
                    b -> b.optPoolSize(s.predictors()).optBatchSize(s.batchSize()));
            String digest = estimator.model().digest();
            if (!digest.equals(s.expectedDigest())) {
                throw new BoneAgeException("model " + s.model().describe() + " on this executor has weights digest " + digest
                        + ", but the driver read " + s.expectedDigest() + ": every node must see the same bundle");
            }
            BoneAgePipeline.Builder b = BoneAgePipeline.builder().setEstimator(estimator).optQualityGate(s.qualityGate());
            if (s.uncertainty()) {
                java.nio.file.Path bundle = opened.path();
                UncertaintyCalibration calibration = UncertaintyCalibration.forBundle(bundle)
                        .orElseThrow(() -> new BoneAgeException("model " + s.model().describe()
                                + " has no uncertainty calibration (expected " + UncertaintyCalibration.fileFor(bundle)
                                + "); see docs/uncertainty.md"));
                b.optUncertainty(UncertaintyEstimator.builder().setEstimator(estimator).setCalibration(calibration)
                        .optCoverage(s.coverage()).build());
            }
            LOG.info("boneage: loaded model {} ({}) on this executor in {} ms", estimator.model().name(), s.model().describe(),
                    (System.nanoTime() - start) / 1_000_000);
            return new Loaded(b.build(), estimator, opened, null);
        } catch (BoneAgeException e) {
            closeQuietly(estimator, opened);
            return new Loaded(null, null, null, e);
        } catch (RuntimeException e) {
            closeQuietly(estimator, opened);
            return new Loaded(null, null, null, new BoneAgeException("model " + s.model().describe()
                    + " could not be loaded on this executor: " + e, e));
        }
    }

    private static void closeQuietly(BoneAgeEstimator estimator, ModelSource.Opened opened) {
        try {
            if (estimator != null) {
                estimator.close();
            }
        } finally {
            if (opened != null) {
                opened.close();
            }
        }
    }

    /** Closes every loaded model (the shutdown hook; also for tests that want a fresh JVM state). */
    public static synchronized void closeAll() {
        List<Loaded> all = new ArrayList<>(LOADED.values());
        LOADED.clear();
        for (Loaded l : all) {
            if (l.failure == null) {
                try {
                    closeQuietly(l.estimator, l.opened);
                } catch (RuntimeException e) {
                    LOG.warn("boneage: closing a model failed: {}", e.toString());
                }
            }
        }
    }

    /** A pipeline with what it owns, or why it could not be built. */
    private record Loaded(BoneAgePipeline pipeline, BoneAgeEstimator estimator, ModelSource.Opened opened,
            BoneAgeException failure) {
    }
}
