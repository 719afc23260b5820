package io.github.boneage.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of the scoring output (Parquet and CSV alike), one row per input, successful or not: no input is ever
 * dropped. A row has either {@link #ESTIMATE_MONTHS} or {@link #ERROR}. docs/spark.md describes every column.
 */
public final class ScoreSchema {

    /** The input's name: the table's {@code id} column, else its path as listed. */
    public static final String ID = "id";
    /** The file read, as listed (table paths resolved against the table's folder). */
    public static final String PATH = "path";
    /**
     * SHA-256 (hex) of the file's bytes followed by the sex and age given for it: with {@link #ID} and
     * {@link #MODEL_DIGEST}, the key a resumed run skips by. Null when the file could not be read.
     */
    public static final String INPUT_DIGEST = "input_digest";
    /** The patient's sex as used ({@code male}, {@code female}, {@code unknown}). */
    public static final String SEX = "sex";
    /** The patient's chronological age in months, when known (given, or from a DICOM header). */
    public static final String AGE_MONTHS = "age_months";
    /** The bone-age estimate in months (the image and its mirror image averaged, as the pipeline does). */
    public static final String ESTIMATE_MONTHS = "estimate_months";
    /** Lower bound of the calibrated interval (only with intervals on). */
    public static final String INTERVAL_LOWER = "interval_lower_months";
    /** Upper bound of the calibrated interval. */
    public static final String INTERVAL_UPPER = "interval_upper_months";
    /** The interval's target coverage, e.g. 0.9. */
    public static final String INTERVAL_COVERAGE = "interval_coverage";
    /** Greulich–Pyle standard deviation score, when sex and age are known. */
    public static final String SDS = "sds";
    /** The SDS verdict (e.g. {@code NORMAL}, {@code DELAYED}, {@code ADVANCED}). */
    public static final String SDS_VERDICT = "sds_verdict";
    /** The quality gate's verdict: {@code OK}, or why it refused the image; null when the gate did not get to run. */
    public static final String GATE_VERDICT = "gate_verdict";
    /** The gate's reasons in words. */
    public static final String GATE_REASON = "gate_reason";
    /** The model's name. */
    public static final String MODEL_NAME = "model_name";
    /** The model's weights digest (SHA-256). */
    public static final String MODEL_DIGEST = "model_digest";
    /** The report's warnings joined by {@code "; "} (e.g. an inverted grey scale read back). */
    public static final String WARNINGS = "warnings";
    /** Why the input has no estimate; null for a scored row. */
    public static final String ERROR = "error";
    /** The error's type (the library's exception class, e.g. {@code QualityGateException}). */
    public static final String ERROR_TYPE = "error_type";
    /**
     * Where the error arose: {@code input} (the listing or the table row: missing file, bad sex or age),
     * {@code pipeline} (the pipeline's answer for this image: decoding, the gate, the model) or {@code executor} (the
     * model could not be loaded, or a batch failed as a whole). Only {@code pipeline} errors count as scored on resume.
     */
    public static final String ERROR_STAGE = "error_stage";
    /** When the row was scored (UTC). */
    public static final String SCORED_AT = "scored_at";
    /** The run that wrote the row; the output folders are partitioned by it. */
    public static final String RUN_ID = "run_id";

    /** {@link #ERROR_STAGE} of a bad listing or table row. */
    public static final String STAGE_INPUT = "input";
    /** {@link #ERROR_STAGE} of the pipeline's own refusal or failure for one image. */
    public static final String STAGE_PIPELINE = "pipeline";
    /** {@link #ERROR_STAGE} of a failure outside the pipeline's per-image answer. */
    public static final String STAGE_EXECUTOR = "executor";

    /** The columns the scorer writes (without {@link #RUN_ID}, which the writer adds as the partition column). */
    public static final StructType SCORES = new StructType(new StructField[] {
        DataTypes.createStructField(ID, DataTypes.StringType, false),
        DataTypes.createStructField(PATH, DataTypes.StringType, true),
        DataTypes.createStructField(INPUT_DIGEST, DataTypes.StringType, true),
        DataTypes.createStructField(SEX, DataTypes.StringType, true),
        DataTypes.createStructField(AGE_MONTHS, DataTypes.DoubleType, true),
        DataTypes.createStructField(ESTIMATE_MONTHS, DataTypes.DoubleType, true),
        DataTypes.createStructField(INTERVAL_LOWER, DataTypes.DoubleType, true),
        DataTypes.createStructField(INTERVAL_UPPER, DataTypes.DoubleType, true),
        DataTypes.createStructField(INTERVAL_COVERAGE, DataTypes.DoubleType, true),
        DataTypes.createStructField(SDS, DataTypes.DoubleType, true),
        DataTypes.createStructField(SDS_VERDICT, DataTypes.StringType, true),
        DataTypes.createStructField(GATE_VERDICT, DataTypes.StringType, true),
        DataTypes.createStructField(GATE_REASON, DataTypes.StringType, true),
        DataTypes.createStructField(MODEL_NAME, DataTypes.StringType, false),
        DataTypes.createStructField(MODEL_DIGEST, DataTypes.StringType, false),
        DataTypes.createStructField(WARNINGS, DataTypes.StringType, true),
        DataTypes.createStructField(ERROR, DataTypes.StringType, true),
        DataTypes.createStructField(ERROR_TYPE, DataTypes.StringType, true),
        DataTypes.createStructField(ERROR_STAGE, DataTypes.StringType, true),
        DataTypes.createStructField(SCORED_AT, DataTypes.TimestampType, false),
    });

    /** Columns of the listed inputs: what the scorer reads. */
    public static final StructType INPUTS = new StructType(new StructField[] {
        DataTypes.createStructField(ID, DataTypes.StringType, false),
        DataTypes.createStructField(PATH, DataTypes.StringType, true),
        DataTypes.createStructField(SEX, DataTypes.StringType, true),
        DataTypes.createStructField(AGE_MONTHS, DataTypes.StringType, true),
        DataTypes.createStructField(INPUT_DIGEST, DataTypes.StringType, true),
        DataTypes.createStructField(ERROR, DataTypes.StringType, true),
    });

    private ScoreSchema() {
    }
}
