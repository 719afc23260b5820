package io.github.boneage.spark.bench;

import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.djl.BoneAgeEstimators;
import io.github.boneage.djl.ClasspathModel;
import io.github.boneage.djl.ClasspathModels;
import io.github.boneage.pipeline.BoneAgePipeline;
import io.github.boneage.pipeline.PipelineInput;
import io.github.boneage.pipeline.PipelineResult;
import io.github.boneage.spark.ScoringSummary;
import io.github.boneage.spark.SparkScoringJob;
import io.github.boneage.spark.impl.ExecutorPipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Images per second of the Spark job on {@code local[N]} against the single-JVM pipeline loop of
 * {@code boneage estimate} (batches of 16, one after the other) on the same images, in the same JVM and run: the
 * pipeline loop, then Spark with each predictor count, then the pipeline loop again (on a shared machine the load
 * changes during a run; the two loops bracket it). Each after a warm-up of 32 images. Not a unit test: run it by hand (docs/spark.md gives the command).
 *
 * <p>Arguments: {@code [images-folder [count [master [predictors,...]]]]}; defaults
 * {@code ../shared/data/rsna-299/images 1000 local[2] 1,2}. The folder's first {@code count} PNG or JPEG files in name order
 * are scored. Exits 0 without measuring when the folder is absent.
 */
public final class SparkThroughputBenchmark {

    private SparkThroughputBenchmark() {
    }

    /**
     * Runs the benchmark and prints one line per configuration.
     *
     * @param args see the class description
     * @throws IOException if the images cannot be listed or the scratch folder written
     */
    public static void main(String[] args) throws IOException {
        Path folder = Paths.get(args.length > 0 ? args[0] : "../shared/data/rsna-299/images");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        String master = args.length > 2 ? args[2] : "local[2]";
        String[] predictorCounts = (args.length > 3 ? args[3] : "1,2").split(",");
        if (!Files.isDirectory(folder)) {
            System.out.println("skipped: " + folder + " is absent");
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)")).sorted()
                    .limit(count).collect(Collectors.toList());
        }
        if (files.isEmpty()) {
            System.out.println("skipped: no PNG or JPEG files in " + folder);
            return;
        }
        System.out.printf(Locale.ROOT, "images: %d from %s; cores visible: %d; master %s%n", files.size(), folder,
                Runtime.getRuntime().availableProcessors(), master);
        Path scratch = Files.createTempDirectory("boneage-spark-bench");

        double before = pipelineRate(files, "first");
        SparkSession spark = SparkSession.builder().master(master).appName("boneage-spark-bench")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            // Warm-up: Spark's own first-job costs and the executor-side model load are not what this measures.
            SparkScoringJob.builder().setOutput(scratch.resolve("warmup").toString())
                    .optImages(files.subList(0, Math.min(32, files.size())).stream().map(Path::toString).toList())
                    .optResume(false).build().run(spark);
            ExecutorPipelines.closeAll();
            for (String p : predictorCounts) {
                int predictors = Integer.parseInt(p.trim());
                ScoringSummary summary = SparkScoringJob.builder().setOutput(scratch.resolve("run-p" + predictors).toString())
                        .optImages(files.stream().map(Path::toString).toList()).optPredictors(predictors).optResume(false)
                        .build().run(spark);
                double rate = files.size() / summary.seconds();
                System.out.printf(Locale.ROOT, "spark %s, predictors %d: %.1f s (model load, listing, digests and "
                        + "Parquet/CSV writing included), %.2f images/s, %d failed rows; ratio to the first pipeline loop %.2fx%n",
                        master, predictors, summary.seconds(), rate, summary.failed(), rate / before);
                ExecutorPipelines.closeAll();
            }
        } finally {
            spark.stop();
        }
        double after = pipelineRate(files, "again");
        System.out.printf(Locale.ROOT, "pipeline loop mean %.2f images/s; divide the Spark rates by it for the ratio%n",
                (before + after) / 2);
    }

    /** The CLI's loop: one estimator, one pipeline, chunks of 16 through runBatch one after the other; images/s. */
    private static double pipelineRate(List<Path> files, String label) {
        try (ClasspathModel model = ClasspathModels.open(ClasspathModels.DEFAULT);
             BoneAgeEstimator estimator = BoneAgeEstimators.open(model.path())) {
            BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(estimator).build();
            score(pipeline, files.subList(0, Math.min(32, files.size())));
            long t0 = System.nanoTime();
            int ok = score(pipeline, files);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "pipeline (CLI loop, 1 JVM, batches of 16), %s: %.1f s, %.2f images/s, %d estimated%n",
                    label, s, files.size() / s, ok);
            return files.size() / s;
        }
    }

    private static int score(BoneAgePipeline pipeline, List<Path> files) {
        int ok = 0;
        for (int start = 0; start < files.size(); start += 16) {
            List<PipelineInput> chunk = new ArrayList<>();
            for (Path f : files.subList(start, Math.min(files.size(), start + 16))) {
                chunk.add(PipelineInput.ofFile(f));
            }
            for (PipelineResult r : pipeline.runBatch(chunk)) {
                ok += r.isSuccess() ? 1 : 0;
            }
        }
        return ok;
    }
}
