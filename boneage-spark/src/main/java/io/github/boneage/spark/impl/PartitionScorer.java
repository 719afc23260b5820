package io.github.boneage.spark.impl;

import io.github.boneage.clinical.reference.StandardDeviationScore;
import io.github.boneage.clinical.report.BoneAgeReport;
import io.github.boneage.clinical.report.PredictionInterval;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.QualityGateException;
import io.github.boneage.core.Sex;
import io.github.boneage.pipeline.BoneAgePipeline;
import io.github.boneage.pipeline.PipelineInput;
import io.github.boneage.pipeline.PipelineResult;
import io.github.boneage.spark.ScoreSchema;
import java.nio.file.Paths;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Second stage of a run, on the executors: scores a partition of checked inputs ({@link ScoreSchema#INPUTS}) through
 * the library's {@link BoneAgePipeline}, {@link PipelineSettings#batchSize()} images per
 * {@link BoneAgePipeline#runBatch(List)}, with the JVM's one pipeline ({@link ExecutorPipelines}). Streams: one batch
 * is held at a time. Every input row gives exactly one output row ({@link ScoreSchema#SCORES}): its estimate, or its
 * error with the stage where it arose.
 *
 * @serial exclude
 */
public final class PartitionScorer implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final PipelineSettings settings;
    private final String modelName;
    private final String sexSource;
    private final String ageSource;

    /**
     * @param settings  how to build the executors' pipeline
     * @param modelName the model's name, as the driver read it
     * @param sexSource where the rows' sex comes from, for the report (e.g. {@code --sex}, {@code table column sex})
     * @param ageSource where the rows' age comes from
     */
    public PartitionScorer(PipelineSettings settings, String modelName, String sexSource, String ageSource) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.sexSource = Objects.requireNonNull(sexSource, "sexSource");
        this.ageSource = Objects.requireNonNull(ageSource, "ageSource");
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Iterator<>() {
            private Iterator<Row> batch = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                while (!batch.hasNext() && rows.hasNext()) {
                    List<Row> in = new ArrayList<>(settings.batchSize());
                    while (in.size() < settings.batchSize() && rows.hasNext()) {
                        in.add(rows.next());
                    }
                    batch = score(in).iterator();
                }
                return batch.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch.next();
            }
        };
    }

    /**
     * @param rows one batch of checked inputs
     * @return one output row per input, in order
     */
    List<Row> score(List<Row> rows) {
        Row[] out = new Row[rows.size()];
        List<Integer> positions = new ArrayList<>();
        List<PipelineInput> inputs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (!r.isNullAt(5)) {
                out[i] = failed(r, r.getString(5), "InputFormatException", ScoreSchema.STAGE_INPUT, null, null);
                continue;
            }
            try {
                inputs.add(input(r));
                positions.add(i);
            } catch (RuntimeException e) {
                // The digester checked sex, age and path already; this only guards against a row it did not see.
                out[i] = failed(r, r.getString(1) + ": " + e.getMessage(), e.getClass().getSimpleName(),
                        ScoreSchema.STAGE_INPUT, null, null);
            }
        }
        if (!inputs.isEmpty()) {
            List<PipelineResult> results;
            try {
                BoneAgePipeline pipeline = ExecutorPipelines.get(settings);
                results = pipeline.runBatch(inputs);
            } catch (RuntimeException | LinkageError e) {
                // The model could not be loaded here, or the engine failed the batch as a whole: every row of the batch
                // says so (none is dropped) and a resumed run tries them again.
                String why = e instanceof BoneAgeException ? e.getMessage() : "the batch failed: " + e;
                for (int k = 0; k < positions.size(); k++) {
                    Row r = rows.get(positions.get(k));
                    out[positions.get(k)] = failed(r, why, e.getClass().getSimpleName(), ScoreSchema.STAGE_EXECUTOR, null, null);
                }
                return List.of(out);
            }
            for (int k = 0; k < positions.size(); k++) {
                out[positions.get(k)] = row(rows.get(positions.get(k)), results.get(k));
            }
        }
        return List.of(out);
    }

    private PipelineInput input(Row r) {
        PipelineInput.Builder b = PipelineInput.builder().setFile(Paths.get(r.getString(1))).optSourceId(r.getString(0));
        String sex = r.getString(2);
        if (sex != null && !sex.isBlank()) {
            b.optSex(Sex.parse(sex), sexSource);
        }
        String age = r.getString(3);
        if (age != null && !age.isBlank()) {
            b.optChronologicalAgeMonths(InputDigester.parseAge(age), ageSource);
        }
        return b.build();
    }

    private Row row(Row in, PipelineResult result) {
        if (!result.isSuccess()) {
            BoneAgeException e = result.error().orElseThrow();
            String verdict = null;
            String reason = null;
            if (e instanceof QualityGateException refusal) {
                verdict = refusal.verdict().name();
                reason = refusal.reason();
            }
            return failed(in, e.getMessage(), e.getClass().getSimpleName(), ScoreSchema.STAGE_PIPELINE, verdict, reason);
        }
        BoneAgeReport report = result.report().orElseThrow();
        PredictionInterval interval = report.interval().orElse(null);
        StandardDeviationScore sds = report.sds().orElse(null);
        return RowFactory.create(in.getString(0), in.getString(1), in.getString(4), report.patientSex().label(),
                report.chronologicalAgeMonths().orElse(null), report.estimate().months(),
                interval == null ? null : interval.lowerMonths(), interval == null ? null : interval.upperMonths(),
                interval == null ? null : interval.coverage(), sds == null ? null : sds.sds(),
                sds == null ? null : sds.verdict().name(), report.quality().map(Enum::name).orElse(null),
                report.qualityReason().orElse(null), modelName, settings.expectedDigest(),
                report.warnings().isEmpty() ? null : String.join("; ", report.warnings()), null, null, null, now());
    }

    private Row failed(Row in, String error, String type, String stage, String verdict, String reason) {
        String sex = in.getString(2);
        Double age = null;
        try {
            age = in.getString(3) == null || in.getString(3).isBlank() ? null : InputDigester.parseAge(in.getString(3));
        } catch (IllegalArgumentException e) {
            // The bad age is what the error says; the column stays empty rather than holding a guess.
        }
        String sexLabel;
        try {
            sexLabel = sex == null || sex.isBlank() ? null : Sex.parse(sex).label();
        } catch (IllegalArgumentException e) {
            sexLabel = null;
        }
        return RowFactory.create(in.getString(0), in.getString(1), in.getString(4), sexLabel, age, null, null, null, null,
                null, null, verdict, reason, modelName, settings.expectedDigest(), null, error, type, stage, now());
    }

    private static Timestamp now() {
        return new Timestamp(System.currentTimeMillis());
    }
}
