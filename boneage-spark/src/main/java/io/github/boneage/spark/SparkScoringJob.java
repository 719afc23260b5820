package io.github.boneage.spark;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.Sex;
import io.github.boneage.spark.impl.InputDigester;
import io.github.boneage.spark.impl.InputListing;
import io.github.boneage.spark.impl.ModelSource;
import io.github.boneage.spark.impl.PartitionScorer;
import io.github.boneage.spark.impl.PipelineSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores an archive of hand radiographs on Apache Spark through the library's one pipeline
 * ({@link io.github.boneage.pipeline.BoneAgePipeline}), and writes one row per input ({@link ScoreSchema}) as Parquet
 * and CSV. A run:
 * <ol>
 *   <li>lists the inputs on the driver (files, folders, globs), or reads a CSV/Parquet table of {@code path},
 *       {@code sex}, {@code age_months} (and optionally {@code id});</li>
 *   <li>checks each input and computes its digest on the executors;</li>
 *   <li>when resuming, leaves out every input that an earlier run already scored with the same model (same id,
 *       input digest and model digest);</li>
 *   <li>scores the rest in chunks of {@link Builder#optChunkRows(int)} rows, each chunk one Spark job appended to
 *       {@code <output>/parquet}: a crash loses at most the chunk in flight; each executor JVM loads the model once
 *       and every partition runs the pipeline in batches;</li>
 *   <li>writes the run's rows as one CSV file under {@code <output>/csv/run_id=<run>}.</li>
 * </ol>
 *
 * <pre>{@code
 * SparkScoringJob job = SparkScoringJob.builder().setOutput("/archive/scores").optImages(List.of("/archive/png")).build();
 * ScoringSummary summary = job.run(spark);
 * }</pre>
 */
public final class SparkScoringJob {

    /** Default images per pipeline batch (the CLI's chunk). */
    public static final int DEFAULT_BATCH_SIZE = 16;
    /** Default rows per committed chunk. */
    public static final int DEFAULT_CHUNK_ROWS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(SparkScoringJob.class);

    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'", Locale.ROOT);

    private final String output;
    private final List<String> images;
    private final String table;
    private final ModelSource model;
    private final Sex sex;
    private final Double ageMonths;
    private final int batchSize;
    private final int predictors;
    private final int partitions;
    private final int chunkRows;
    private final boolean resume;
    private final boolean uncertainty;
    private final double coverage;
    private final boolean qualityGate;

    private SparkScoringJob(Builder b) {
        this.output = Objects.requireNonNull(b.output, "output is required (setOutput)");
        if ((b.images == null) == (b.table == null)) {
            throw new IllegalArgumentException("give exactly one of optImages and optTable");
        }
        if (b.table != null && (b.sex != null || b.ageMonths != null)) {
            throw new IllegalArgumentException("optSex and optAgeMonths apply to listed images; a table gives them in "
                    + "its sex and age_months columns");
        }
        this.images = b.images;
        this.table = b.table;
        this.model = b.model != null ? ModelSource.bundle(b.model) : ModelSource.classpathDefault();
        this.sex = b.sex;
        this.ageMonths = b.ageMonths;
        this.batchSize = b.batchSize;
        this.predictors = b.predictors;
        this.partitions = b.partitions;
        this.chunkRows = b.chunkRows;
        this.resume = b.resume;
        this.uncertainty = b.uncertainty;
        this.coverage = b.coverage;
        this.qualityGate = b.qualityGate;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the job.
     *
     * @param spark the session (local or on a cluster)
     * @return what the run did
     * @throws BoneAgeException if the model cannot be read on the driver, the table cannot be read or has no
     *                          {@code path} column, or the output cannot be written
     */
    public ScoringSummary run(SparkSession spark) {
        long start = System.nanoTime();
        String runId = RUN_ID.format(ZonedDateTime.now(ZoneOffset.UTC));
        ModelInfo info = model.identify();
        int parts = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        PipelineSettings settings = new PipelineSettings(model, info.digest(), predictors > 0 ? predictors : defaultPredictors(spark),
                batchSize, uncertainty, coverage, qualityGate);
        boolean fromTable = table != null;
        PartitionScorer scorer = new PartitionScorer(settings, info.name(),
                fromTable ? "table column sex" : "--sex", fromTable ? "table column age_months" : "--age-months");

        Dataset<Row> listed = fromTable ? readTable(spark) : listImages(spark, parts);
        Dataset<Row> checked = listed.repartition(parts)
                .map(new InputDigester(fromTable ? tableFolder() : null), Encoders.row(ScoreSchema.INPUTS))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long total = checked.count();
            Dataset<Row> pending = checked;
            String parquet = output + "/parquet";
            if (resume && exists(spark, parquet)) {
                Dataset<Row> done = spark.read().schema(withRunId(ScoreSchema.SCORES)).parquet(parquet)
                        .where(functions.col(ScoreSchema.MODEL_DIGEST).equalTo(info.digest())
                                .and(functions.col(ScoreSchema.INPUT_DIGEST).isNotNull())
                                .and(functions.col(ScoreSchema.ERROR).isNull()
                                        .or(functions.col(ScoreSchema.ERROR_STAGE).equalTo(ScoreSchema.STAGE_PIPELINE))))
                        .select(ScoreSchema.ID, ScoreSchema.INPUT_DIGEST).distinct();
                // Keyed by id too: a copy of a scored file under another name still gets its own row.
                pending = checked.join(done, checked.col(ScoreSchema.INPUT_DIGEST).equalTo(done.col(ScoreSchema.INPUT_DIGEST))
                        .and(checked.col(ScoreSchema.ID).equalTo(done.col(ScoreSchema.ID))), "left_anti");
            }
            List<Row> todo = pending.collectAsList();
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            for (int from = 0; from < todo.size(); from += chunkRows) {
                List<Row> chunk = todo.subList(from, Math.min(todo.size(), from + chunkRows));
                int slices = Math.max(1, Math.min(parts, chunk.size()));
                spark.createDataFrame(jsc.parallelize(new ArrayList<>(chunk), slices), ScoreSchema.INPUTS)
                        .mapPartitions(scorer, Encoders.row(ScoreSchema.SCORES))
                        .withColumn(ScoreSchema.RUN_ID, functions.lit(runId))
                        .write().mode(SaveMode.Append).partitionBy(ScoreSchema.RUN_ID).parquet(parquet);
                LOG.info("boneage: run {}: {} of {} rows scored and committed", runId, from + chunk.size(), todo.size());
            }
            long failed = 0;
            if (!todo.isEmpty()) {
                Dataset<Row> written = spark.read().schema(withRunId(ScoreSchema.SCORES)).parquet(parquet)
                        .where(functions.col(ScoreSchema.RUN_ID).equalTo(runId));
                failed = written.where(functions.col(ScoreSchema.ERROR).isNotNull()).count();
                written.drop(ScoreSchema.RUN_ID).coalesce(1).write().mode(SaveMode.ErrorIfExists).option("header", "true")
                        .csv(output + "/csv/" + ScoreSchema.RUN_ID + "=" + runId);
            }
            return new ScoringSummary(runId, total, total - todo.size(), todo.size(), failed,
                    (System.nanoTime() - start) / 1e9, output, info.name(), info.digest());
        } finally {
            checked.unpersist();
        }
    }

    /**
     * One predictor per task thread of an executor, at most 4: {@code spark.executor.cores} where the cluster sets it,
     * else this JVM's processors (local mode, where the driver is the executor).
     */
    private static int defaultPredictors(SparkSession spark) {
        int cores = Runtime.getRuntime().availableProcessors();
        scala.Option<String> configured = spark.conf().getOption("spark.executor.cores");
        if (configured.isDefined()) {
            try {
                cores = Integer.parseInt(configured.get().trim());
            } catch (NumberFormatException e) {
                throw new BoneAgeException("spark.executor.cores is not a number: '" + configured.get() + "'");
            }
        }
        return Math.max(1, Math.min(4, cores));
    }

    /**
     * @param spark  the session to read with
     * @param output the job's output folder ({@code setOutput})
     * @return the scores read back from an output folder: every run's rows, with {@link ScoreSchema#RUN_ID}
     */
    public static Dataset<Row> readScores(SparkSession spark, String output) {
        return spark.read().schema(withRunId(ScoreSchema.SCORES)).parquet(output + "/parquet");
    }

    private static StructType withRunId(StructType schema) {
        return schema.add(ScoreSchema.RUN_ID, DataTypes.StringType, false);
    }

    private Dataset<Row> listImages(SparkSession spark, int parts) {
        String sexText = sex == null ? null : sex.label();
        String ageText = ageMonths == null ? null : String.valueOf(ageMonths);
        List<Row> rows = new ArrayList<>();
        for (InputListing.Entry e : InputListing.expand(images)) {
            rows.add(e.problem() == null ? RowFactory.create(e.path(), e.path(), sexText, ageText, null, null)
                    : RowFactory.create(e.path(), null, sexText, ageText, null, e.path() + ": " + e.problem()));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, Math.max(1, Math.min(parts, rows.size()))), ScoreSchema.INPUTS);
    }

    private Dataset<Row> readTable(SparkSession spark) {
        String lower = table.toLowerCase(Locale.ROOT);
        Dataset<Row> t;
        try {
            t = lower.endsWith(".csv") ? spark.read().option("header", "true").csv(table) : spark.read().parquet(table);
        } catch (RuntimeException e) {
            throw new BoneAgeException("table " + table + " cannot be read: " + e.getMessage(), e);
        }
        List<String> columns = Arrays.asList(t.columns());
        if (!columns.contains(ScoreSchema.PATH)) {
            throw new BoneAgeException("table " + table + " has no '" + ScoreSchema.PATH + "' column (columns: " + columns
                    + "); expected path, and optionally id, sex, age_months");
        }
        Column path = t.col(ScoreSchema.PATH).cast(DataTypes.StringType);
        Column id = columns.contains(ScoreSchema.ID) ? functions.coalesce(t.col(ScoreSchema.ID).cast(DataTypes.StringType), path)
                : path;
        Column none = functions.lit(null).cast(DataTypes.StringType);
        return t.select(functions.coalesce(id, functions.lit("(table row without a path)")).as(ScoreSchema.ID),
                path.as(ScoreSchema.PATH),
                (columns.contains(ScoreSchema.SEX) ? t.col(ScoreSchema.SEX).cast(DataTypes.StringType) : none).as(ScoreSchema.SEX),
                (columns.contains(ScoreSchema.AGE_MONTHS) ? t.col(ScoreSchema.AGE_MONTHS).cast(DataTypes.StringType) : none)
                        .as(ScoreSchema.AGE_MONTHS),
                none.as(ScoreSchema.INPUT_DIGEST), none.as(ScoreSchema.ERROR));
    }

    /** The folder relative table paths are resolved against: the table file's own. */
    private String tableFolder() {
        Path parent = Path.of(table).toAbsolutePath().getParent();
        return parent == null ? null : parent.toString();
    }

    private static boolean exists(SparkSession spark, String dir) {
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return fs.exists(p);
        } catch (IOException e) {
            throw new BoneAgeException("output " + dir + " cannot be checked: " + e.getMessage(), e);
        }
    }

    /** Builder: {@code setX} for required settings, {@code optX} for optional ones. */
    public static final class Builder {
        private String output;
        private List<String> images;
        private String table;
        private Path model;
        private Sex sex;
        private Double ageMonths;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int predictors;
        private int partitions;
        private int chunkRows = DEFAULT_CHUNK_ROWS;
        private boolean resume = true;
        private boolean uncertainty;
        private double coverage = 0.9;
        private boolean qualityGate = true;

        private Builder() {
        }

        /**
         * @param output the output folder (a local path, or any file system URI Spark can write): Parquet under
         *               {@code parquet/}, CSV under {@code csv/}, both partitioned by run
         * @return this builder
         */
        public Builder setOutput(String output) {
            this.output = Objects.requireNonNull(output, "output");
            return this;
        }

        /**
         * @param images files, folders (walked for PNG/JPEG/DICOM) and globs; every executor must see them at these
         *               paths (a shared file system)
         * @return this builder
         */
        public Builder optImages(List<String> images) {
            if (images.isEmpty()) {
                throw new IllegalArgumentException("no images given");
            }
            this.images = List.copyOf(images);
            return this;
        }

        /**
         * @param table a CSV (with a header) or Parquet table with a {@code path} column and optionally {@code id},
         *              {@code sex} and {@code age_months}; relative paths are resolved against the table's folder
         * @return this builder
         */
        public Builder optTable(String table) {
            this.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /**
         * @param bundle a model bundle readable at this path on every node (default: the class path's default model,
         *               which the job jar carries)
         * @return this builder
         */
        public Builder optModel(Path bundle) {
            this.model = Objects.requireNonNull(bundle, "bundle");
            return this;
        }

        /**
         * @param sex the patient sex for every listed image (default: a DICOM file's PatientSex, else unknown)
         * @return this builder
         */
        public Builder optSex(Sex sex) {
            this.sex = Objects.requireNonNull(sex, "sex");
            return this;
        }

        /**
         * @param months the chronological age for every listed image (default: a DICOM file's age at the study)
         * @return this builder
         */
        public Builder optAgeMonths(double months) {
            if (!Double.isFinite(months) || months < 0) {
                throw new IllegalArgumentException("age must be a finite, non-negative number of months, got " + months);
            }
            this.ageMonths = months;
            return this;
        }

        /**
         * @param batchSize images per pipeline batch and forward pass (default {@value #DEFAULT_BATCH_SIZE})
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param predictors forward passes an executor JVM runs at once (its estimator's predictor pool); default:
         *                   {@code spark.executor.cores} (local mode: the JVM's processors), at most 4. 1 makes the task
         *                   threads take turns on one predictor
         * @return this builder
         */
        public Builder optPredictors(int predictors) {
            if (predictors < 1) {
                throw new IllegalArgumentException("predictors must be >= 1, got " + predictors);
            }
            this.predictors = predictors;
            return this;
        }

        /**
         * @param partitions partitions per chunk (default: Spark's default parallelism, one per executor core)
         * @return this builder
         */
        public Builder optPartitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /**
         * @param rows rows per committed chunk (default {@value #DEFAULT_CHUNK_ROWS}): a failed run loses at most
         *             this many rows of work
         * @return this builder
         */
        public Builder optChunkRows(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("chunk rows must be >= 1, got " + rows);
            }
            this.chunkRows = rows;
            return this;
        }

        /**
         * @param resume whether inputs that an earlier run in the same output already scored with the same model are
         *               skipped (default {@code true})
         * @return this builder
         */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /**
         * @param coverage the calibrated interval's coverage (one of the model calibration's levels, e.g. 0.9): turns
         *                 intervals on (test-time augmentation, several passes per image)
         * @return this builder
         */
        public Builder optIntervals(double coverage) {
            this.uncertainty = true;
            this.coverage = coverage;
            return this;
        }

        /**
         * @param gate {@code false} turns the pipeline's quality gate off (experiments on curated data only)
         * @return this builder
         */
        public Builder optQualityGate(boolean gate) {
            this.qualityGate = gate;
            return this;
        }

        /** @return the job */
        public SparkScoringJob build() {
            return new SparkScoringJob(this);
        }
    }
}
