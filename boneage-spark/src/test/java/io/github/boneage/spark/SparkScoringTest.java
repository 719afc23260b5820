package io.github.boneage.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.Sex;
import io.github.boneage.djl.ClasspathModel;
import io.github.boneage.djl.BoneAgeEstimators;
import io.github.boneage.djl.ClasspathModels;
import io.github.boneage.pipeline.BoneAgePipeline;
import io.github.boneage.pipeline.PipelineInput;
import io.github.boneage.pipeline.PipelineResult;
import io.github.boneage.preprocess.io.PngWriter;
import io.github.boneage.spark.impl.ExecutorPipelines;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job on {@code local[2]} against the library pipeline run directly on the same files with the shipped
 * default model: equal estimates, one error row for a bad file among good ones, resuming, a table input. One
 * SparkSession for the class (starting Spark costs seconds).
 */
class SparkScoringTest {

    private static final int GOOD = 4;

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static Path images;
    private static Map<String, PipelineResult> expected;

    @BeforeAll
    static void start() throws IOException {
        images = Files.createDirectories(dir.resolve("images"));
        SyntheticHandGenerator generator = SyntheticHandGenerator.builder().setSeed(15L).build();
        List<PipelineInput> inputs = new ArrayList<>();
        for (int i = 0; i < GOOD; i++) {
            SyntheticHand hand = generator.generate((long) i);
            Path file = images.resolve(String.format("hand-%02d.png", i));
            PngWriter.write(hand.image(), file);
            inputs.add(PipelineInput.builder().setFile(file).optSourceId(file.toString()).build());
        }
        // A PNG cut off after its header: the decoder refuses it; the other images must still be scored.
        byte[] good = Files.readAllBytes(images.resolve("hand-00.png"));
        Path bad = images.resolve("hand-99-truncated.png");
        Files.write(bad, Arrays.copyOf(good, 200));
        inputs.add(PipelineInput.builder().setFile(bad).optSourceId(bad.toString()).build());
        // What the library (and so the CLI, which drives it) answers for the same files: the reference.
        try (ClasspathModel model = ClasspathModels.open(ClasspathModels.DEFAULT);
             BoneAgeEstimator estimator = BoneAgeEstimators.open(model.path())) {
            BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(estimator).build();
            expected = new HashMap<>();
            for (PipelineResult r : pipeline.runBatch(inputs)) {
                expected.put(r.sourceId(), r);
            }
        }
        spark = SparkSession.builder().master("local[2]").appName("boneage-spark-test").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        ExecutorPipelines.closeAll();
    }

    @Test
    void scoresAFolderLikeTheLibraryPipelineWithOneErrorRowForTheBadFileAndResumes() throws IOException {
        String out = dir.resolve("out-folder").toString();
        ScoringSummary first = SparkScoringJob.builder().setOutput(out).optImages(List.of(images.toString()))
                .optChunkRows(3).build().run(spark);
        assertThat(first.listed()).isEqualTo(GOOD + 1);
        assertThat(first.scored()).isEqualTo(GOOD + 1);
        assertThat(first.failed()).isEqualTo(1);

        List<Row> rows = SparkScoringJob.readScores(spark, out).collectAsList();
        assertThat(rows).hasSize(GOOD + 1);
        double maxDiff = 0;
        for (Row row : rows) {
            String id = row.getAs(ScoreSchema.ID);
            PipelineResult want = expected.get(id);
            assertThat(want).as("row %s is one of the inputs", id).isNotNull();
            assertThat((String) row.getAs(ScoreSchema.MODEL_DIGEST)).isEqualTo(first.digest());
            if (want.isSuccess()) {
                assertThat((String) row.getAs(ScoreSchema.ERROR)).as(id).isNull();
                double months = row.getAs(ScoreSchema.ESTIMATE_MONTHS);
                maxDiff = Math.max(maxDiff, Math.abs(months - want.report().orElseThrow().estimate().months()));
                assertThat((String) row.getAs(ScoreSchema.GATE_VERDICT)).isEqualTo("OK");
                assertThat((String) row.getAs(ScoreSchema.INPUT_DIGEST)).hasSize(64);
            } else {
                assertThat(id).endsWith("hand-99-truncated.png");
                assertThat((Object) row.getAs(ScoreSchema.ESTIMATE_MONTHS)).isNull();
                assertThat((String) row.getAs(ScoreSchema.ERROR)).isEqualTo(want.error().orElseThrow().getMessage());
                assertThat((String) row.getAs(ScoreSchema.ERROR_STAGE)).isEqualTo(ScoreSchema.STAGE_PIPELINE);
            }
        }
        // Same files, same model, same pipeline: equal estimates; batches of other sizes may round differently in the
        // engine's last bits, hence a tolerance far below anything clinically visible.
        assertThat(maxDiff).isLessThan(1e-3);
        assertThat(expected.values().stream().filter(PipelineResult::isSuccess).count()).isEqualTo(GOOD);
        // One model per executor JVM however many tasks and chunks ran (local mode: one JVM).
        assertThat(ExecutorPipelines.loadedCount()).isEqualTo(1);

        // The run's CSV: a header and one line per input.
        try (Stream<Path> files = Files.walk(Path.of(out, "csv"))) {
            List<Path> csv = files.filter(p -> p.toString().endsWith(".csv")).collect(Collectors.toList());
            assertThat(csv).hasSize(1);
            List<String> lines = Files.readAllLines(csv.get(0));
            assertThat(lines.get(0)).startsWith("id,path,input_digest,sex,age_months,estimate_months");
            assertThat(lines).hasSize(GOOD + 2);
        }

        // A rerun skips everything already scored, the deterministic failure included; a changed file is scored again
        // under its name, and a copy under a new name gets its own row.
        Path changed = images.resolve("hand-02.png");
        PngWriter.write(SyntheticHandGenerator.builder().setSeed(15L).build().generate(40L).image(), changed);
        Path copy = dir.resolve("copy-of-hand-03.png");
        Files.copy(images.resolve("hand-03.png"), copy);
        ScoringSummary third = SparkScoringJob.builder().setOutput(out)
                .optImages(List.of(images.toString(), copy.toString())).build().run(spark);
        assertThat(third.skipped()).isEqualTo(GOOD);
        assertThat(third.scored()).isEqualTo(2);
        List<Row> all = SparkScoringJob.readScores(spark, out).collectAsList();
        assertThat(all).hasSize(GOOD + 3);
        assertThat(all.stream().filter(r -> r.getAs(ScoreSchema.ID).equals(copy.toString())).count()).isEqualTo(1);
        assertThat(all.stream().filter(r -> r.getAs(ScoreSchema.ID).equals(changed.toString())).count()).isEqualTo(2);
    }

    @Test
    void scoresATableWithSexAndAgeAndKeepsBadRowsAsErrors() throws IOException {
        Path table = dir.resolve("manifest.csv");
        Files.writeString(table, String.join("\n",
                "id,path,sex,age_months",
                "a,images/hand-01.png,female,120",
                "b,images/hand-00.png,M,60.5",
                "c,images/hand-00.png,sometimes,100",
                "d,images/missing.png,female,100",
                "e,images/hand-03.png,,") + "\n");
        String out = dir.resolve("out-table").toString();
        ScoringSummary s = SparkScoringJob.builder().setOutput(out).optTable(table.toString()).build().run(spark);
        assertThat(s.listed()).isEqualTo(5);
        assertThat(s.failed()).isEqualTo(2);
        Map<String, Row> byId = new HashMap<>();
        SparkScoringJob.readScores(spark, out).orderBy(functions.col(ScoreSchema.ID)).collectAsList()
                .forEach(r -> byId.put(r.getAs(ScoreSchema.ID), r));
        assertThat(byId).containsOnlyKeys("a", "b", "c", "d", "e");
        assertThat((String) byId.get("c").getAs(ScoreSchema.ERROR)).contains("sex column").contains("sometimes");
        assertThat((String) byId.get("c").getAs(ScoreSchema.ERROR_STAGE)).isEqualTo(ScoreSchema.STAGE_INPUT);
        assertThat((String) byId.get("d").getAs(ScoreSchema.ERROR)).contains("missing.png").contains("no such file");

        try (ClasspathModel model = ClasspathModels.open(ClasspathModels.DEFAULT);
             BoneAgeEstimator estimator = BoneAgeEstimators.open(model.path())) {
            BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(estimator).build();
            PipelineResult a = pipeline.run(PipelineInput.builder().setFile(images.resolve("hand-01.png"))
                    .optSex(Sex.FEMALE, "test").optChronologicalAgeMonths(120, "test").build());
            Row ra = byId.get("a");
            assertThat((double) ra.getAs(ScoreSchema.ESTIMATE_MONTHS))
                    .isCloseTo(a.report().orElseThrow().estimate().months(), within(1e-3));
            assertThat((double) ra.getAs(ScoreSchema.SDS)).isCloseTo(a.report().orElseThrow().sds().orElseThrow().sds(),
                    within(1e-3));
            assertThat((String) ra.getAs(ScoreSchema.SDS_VERDICT))
                    .isEqualTo(a.report().orElseThrow().sds().orElseThrow().verdict().name());
            assertThat((String) ra.getAs(ScoreSchema.SEX)).isEqualTo("female");
            assertThat((double) ra.getAs(ScoreSchema.AGE_MONTHS)).isEqualTo(120.0);
        }
        assertThat((String) byId.get("b").getAs(ScoreSchema.SEX)).isEqualTo("male");
        assertThat((Object) byId.get("e").getAs(ScoreSchema.SDS)).isNull();
        assertThat((Object) byId.get("e").getAs(ScoreSchema.ESTIMATE_MONTHS)).isNotNull();
    }

    /** An ensemble bundle (the repository's models/v2) scores as the library pipeline scores it, with its identity. */
    @Test
    void scoresWithAnEnsembleBundleLikeTheLibrary() throws IOException {
        Path ensemble = Path.of("..", "models", "v2").toAbsolutePath().normalize();
        String out = dir.resolve("out-ensemble").toString();
        Map<String, Double> want = new HashMap<>();
        String digest;
        String name;
        try (BoneAgeEstimator estimator = BoneAgeEstimators.open(ensemble)) {
            digest = estimator.model().digest();
            name = estimator.model().name();
            BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(estimator).build();
            for (int i = 0; i < GOOD; i++) {
                Path file = images.resolve(String.format("hand-%02d.png", i));
                PipelineResult r = pipeline.run(PipelineInput.builder().setFile(file).optSourceId(file.toString()).build());
                want.put(file.toString(), r.report().orElseThrow().estimate().months());
            }
        }
        try {
            ScoringSummary s = SparkScoringJob.builder().setOutput(out).optImages(List.of(images.toString()))
                    .optModel(ensemble).build().run(spark);
            assertThat(s.digest()).isEqualTo(digest).contains(",");
            assertThat(s.failed()).isEqualTo(1);
            int compared = 0;
            for (Row row : SparkScoringJob.readScores(spark, out).collectAsList()) {
                Double months = want.get((String) row.getAs(ScoreSchema.ID));
                if (months != null) {
                    assertThat((double) row.getAs(ScoreSchema.ESTIMATE_MONTHS)).isCloseTo(months, within(1e-3));
                    assertThat((String) row.getAs(ScoreSchema.MODEL_NAME)).startsWith(name);
                    compared++;
                }
            }
            assertThat(compared).isEqualTo(GOOD);
        } finally {
            // Other tests count the pipelines this JVM holds.
            ExecutorPipelines.closeAll();
        }
    }
}
