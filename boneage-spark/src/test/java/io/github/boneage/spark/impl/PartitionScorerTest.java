package io.github.boneage.spark.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.spark.ScoreSchema;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scorer's answers when the model itself is the problem, without a Spark session. */
class PartitionScorerTest {

    @AfterEach
    void close() {
        ExecutorPipelines.closeAll();
    }

    @Test
    void anExecutorThatSeesAnotherModelThanTheDriverGivesEveryRowAnExecutorErrorNamingBothDigests() {
        String claimed = "0".repeat(64);
        PipelineSettings settings = new PipelineSettings(ModelSource.classpathDefault(), claimed, 1, 2, false, 0.9, true);
        PartitionScorer scorer = new PartitionScorer(settings, "default", "--sex", "--age-months");
        List<Row> in = List.of(
                RowFactory.create("a", "/nowhere/a.png", "female", "100", "d1", null),
                RowFactory.create("b", "/nowhere/b.png", null, null, "d2", null),
                RowFactory.create("c", null, null, null, null, "c: no such file"));
        List<Row> out = scorer.score(in);
        assertThat(out).hasSize(3);
        for (int i = 0; i < 2; i++) {
            Row r = out.get(i);
            assertThat(r.getString(ScoreSchema.SCORES.fieldIndex(ScoreSchema.ERROR_STAGE))).isEqualTo(ScoreSchema.STAGE_EXECUTOR);
            assertThat(r.getString(ScoreSchema.SCORES.fieldIndex(ScoreSchema.ERROR))).contains(claimed)
                    .contains("every node must see the same bundle");
            assertThat(r.get(ScoreSchema.SCORES.fieldIndex(ScoreSchema.ESTIMATE_MONTHS))).isNull();
        }
        assertThat(out.get(0).getString(ScoreSchema.SCORES.fieldIndex(ScoreSchema.SEX))).isEqualTo("female");
        assertThat(out.get(0).getDouble(ScoreSchema.SCORES.fieldIndex(ScoreSchema.AGE_MONTHS))).isEqualTo(100.0);
        // A row the input checks already failed keeps its own reason and stage.
        assertThat(out.get(2).getString(ScoreSchema.SCORES.fieldIndex(ScoreSchema.ERROR_STAGE))).isEqualTo(ScoreSchema.STAGE_INPUT);
        assertThat(out.get(2).getString(ScoreSchema.SCORES.fieldIndex(ScoreSchema.ERROR))).isEqualTo("c: no such file");
        assertThat(ExecutorPipelines.loadedCount()).isZero();
    }
}
