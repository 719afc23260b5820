package io.github.boneage.spark;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.Sex;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code boneage spark-estimate}: scores images or a table of images on Spark, locally ({@code local[N]}) or as the
 * main class of {@code spark-submit} on a cluster (docs/spark.md). Exit code 0 when every row was scored, 3 when some
 * rows carry an error (they are in the output), 1 when the run failed, 2 for a usage error, as the CLI.
 */
@Command(name = "spark-estimate", mixinStandardHelpOptions = true,
        description = {"Estimate bone age for an archive on Apache Spark, through the same pipeline as 'boneage estimate'.",
            "Input: IMAGE files, folders (walked for PNG/JPEG/DICOM) and globs, or --table (CSV or Parquet with a path "
                    + "column and optionally id, sex, age_months). Output: OUTPUT/parquet and OUTPUT/csv, one row per input "
                    + "(estimate or error), partitioned by run. A rerun skips inputs already scored with the same model."})
public final class SparkEstimateCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "IMAGE", description = "Image files, folders or globs (quote globs).")
    List<String> images;

    @Option(names = "--table", paramLabel = "FILE", description = "CSV or Parquet table of path[,id,sex,age_months].")
    String table;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Output folder.")
    String output;

    @Option(names = "--model", paramLabel = "BUNDLE",
            description = "Model bundle at a path every node can read (default: the default model inside the jar).")
    Path model;

    @Option(names = "--sex", paramLabel = "SEX", description = "male, female or unknown for all listed images.")
    String sex;

    @Option(names = "--age-months", paramLabel = "N", description = "Chronological age in months for all listed images.")
    Double ageMonths;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not started by spark-submit (default: local[*]).")
    String master;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16",
            description = "Images per pipeline batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--predictors", paramLabel = "N",
            description = "Concurrent forward passes per executor JVM (default: spark.executor.cores, else the processors; at most 4).")
    Integer predictors;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions per chunk (default: Spark's parallelism).")
    Integer partitions;

    @Option(names = "--chunk-rows", paramLabel = "N", defaultValue = "10000",
            description = "Rows per committed chunk (default: ${DEFAULT-VALUE}).")
    int chunkRows;

    @Option(names = "--resume", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Skip inputs already scored with this model in OUTPUT (default: on).")
    boolean resume;

    @Option(names = "--intervals", paramLabel = "COVERAGE",
            description = "Add the calibrated interval at this coverage (e.g. 0.9; test-time augmentation).")
    Double coverage;

    @Option(names = "--quality-gate", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "The pipeline's quality gate (default: on; off only for experiments on curated data).")
    boolean qualityGate;

    /**
     * Runs the command.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * @param args the command line
     * @return the exit code
     */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new SparkEstimateCommand());
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("boneage spark-estimate: " + e.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        SparkScoringJob.Builder b = SparkScoringJob.builder().setOutput(output).optBatchSize(batchSize)
                .optChunkRows(chunkRows).optResume(resume).optQualityGate(qualityGate);
        boolean hasImages = images != null && !images.isEmpty();
        if (hasImages == (table != null)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "give IMAGE arguments or --table, not both");
        }
        if (hasImages) {
            b.optImages(images);
        } else {
            b.optTable(table);
        }
        if (model != null) {
            b.optModel(model);
        }
        try {
            if (sex != null) {
                b.optSex(Sex.parse(sex));
            }
            if (ageMonths != null) {
                b.optAgeMonths(ageMonths);
            }
            if (predictors != null) {
                b.optPredictors(predictors);
            }
            if (partitions != null) {
                b.optPartitions(partitions);
            }
            if (coverage != null) {
                b.optIntervals(coverage);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        SparkScoringJob job;
        try {
            job = b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        SparkConf conf = new SparkConf().setAppName("boneage spark-estimate");
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            ScoringSummary summary = job.run(spark);
            System.out.println(summary);
            return summary.failed() == 0 ? 0 : 3;
        } catch (BoneAgeException e) {
            System.err.println("boneage spark-estimate: " + e.getMessage());
            return 1;
        } finally {
            spark.stop();
        }
    }
}
