package io.github.boneage.cli;

import static io.github.boneage.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.boneage.cli.CliTest.Run;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.djl.ModelBundleWriter;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code boneage evaluate} on synthetic RSNA-format folders with a tiny ONNX model. */
class EvaluateCommandTest {

    @TempDir
    static Path work;
    static Path dataset;
    static Path bundle;

    @BeforeAll
    static void makeDataAndModel() throws IOException {
        dataset = work.resolve("synth");
        assertThat(run("synth", "--out", dataset.toString(), "--count", "6", "--seed", "11", "--size", "128x160").exitCode()).isZero();
        Path weights = work.resolve("resnet_tiny.onnx");
        try (InputStream in = EvaluateCommandTest.class.getResourceAsStream("/fixtures/resnet_tiny.onnx")) {
            Files.copy(in, weights, StandardCopyOption.REPLACE_EXISTING);
        }
        PreprocessSpec spec = new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.histeq(), 32, 3, new double[] {0.5, 0.5, 0.5},
                new double[] {0.25, 0.25, 0.25});
        bundle = ModelBundleWriter.builder().setName("tiny-test-model").setArchitecture("resnet_tiny")
                .setFormat(ModelFormat.ONNX).setPreprocessing(spec)
                .addWeights(NetworkRole.AGNOSTIC, weights)
                .optOutput(OutputSpec.regression(24, 100))
                .build().writeFolder(work.resolve("bundle"));
    }

    /** A copy of the synthetic set that a test may break. */
    private static Path copyOfDataset(String name) throws IOException {
        Path copy = work.resolve(name);
        CliTest.copyDataset(dataset, copy);
        return copy;
    }

    private static String[] evaluate(Path data, String... more) {
        List<String> args = new ArrayList<>(List.of("evaluate", "--images", data.resolve("images").toString(), "--labels",
                data.resolve("boneage-training-dataset.csv").toString(), "--model", bundle.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }

    @Test
    void evaluatesAnEnsembleBundleWithAutomaticLandmarks() throws IOException {
        Path ensemble = work.resolve("ensemble");
        Path weights = work.resolve("resnet_tiny.onnx");
        PreprocessSpec roi1 = new PreprocessSpec(RoiScheme.ROI1, EqualizerSpec.histeq(), 32, 3, new double[] {0.5, 0.5, 0.5},
                new double[] {0.25, 0.25, 0.25});
        ModelBundleWriter.builder().setName("tiny-roi1").setArchitecture("resnet_tiny").setFormat(ModelFormat.ONNX)
                .setPreprocessing(roi1).addWeights(NetworkRole.AGNOSTIC, weights).optOutput(OutputSpec.regression(24, 100))
                .build().writeFolder(ensemble.resolve("roi1"));
        CliTest.copyFiles(bundle, ensemble.resolve("whole"));
        Files.writeString(ensemble.resolve("boneage-ensemble.json"), "{\"format\": \"boneage-ensemble/1\", \"name\": "
                + "\"tiny-ensemble\", \"members\": [{\"bundle\": \"whole\", \"weight\": 1}, {\"bundle\": \"roi1\", \"weight\": 1}]}");
        Path predictions = work.resolve("ensemble-predictions.csv");
        Run r = run("evaluate", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--model", ensemble.toString(), "--landmarks", "auto",
                "--predictions", predictions.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("model tiny-ensemble").contains("6 images evaluated, 0 failed");
        Path wholePredictions = work.resolve("whole-predictions.csv");
        assertThat(run(evaluate(dataset, "--predictions", wholePredictions.toString())).exitCode()).isZero();
        // Every image the detector read got the ROI1 member too, so its estimate differs from the whole-image model's;
        // the others are the whole-image model's exactly, and the count says how many.
        List<String> both = Files.readAllLines(predictions);
        List<String> whole = Files.readAllLines(wholePredictions);
        long same = java.util.stream.IntStream.range(1, both.size()).filter(i -> both.get(i).equals(whole.get(i))).count();
        if (same > 0) {
            assertThat(r.out()).contains(same + " of them without reference points");
        } else {
            assertThat(r.out()).doesNotContain("without reference points");
        }
    }

    @Test
    void writesJsonPredictionsAndPlots() throws IOException {
        Path out = work.resolve("eval-all");
        Run r = run(evaluate(dataset, "--json", out.resolve("metrics.json").toString(), "--predictions",
                out.resolve("predictions.csv").toString(), "--plots", out.resolve("plots").toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("tiny-test-model").contains("6 images evaluated, 0 failed").contains("MAD=");

        JsonNode json = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertThat(fieldNames(json)).containsExactly("n", "mad", "rmse", "maxError", "bias", "ccc", "within12", "bySex",
                "byAgeBand", "failed", "idsNotFound", "idsListedAsTrainedOn");
        assertThat(json.get("idsNotFound").isNull()).isTrue();
        assertThat(json.get("idsListedAsTrainedOn").asInt()).isZero();
        assertThat(r.out()).doesNotContain("training-ids.txt");
        assertThat(json.get("n").asInt()).isEqualTo(6);
        assertThat(json.get("mad").asDouble()).isFinite().isGreaterThanOrEqualTo(0);
        assertThat(json.get("within12").asDouble()).isBetween(0.0, 1.0);
        assertThat(fieldNames(json.get("bySex"))).containsExactly("male", "female");
        int perSex = 0;
        for (String sex : List.of("male", "female")) {
            JsonNode s = json.get("bySex").get(sex);
            assertThat(fieldNames(s)).containsExactly("n", "mad", "rmse", "maxError", "bias", "ccc", "within12");
            perSex += s.get("n").asInt();
        }
        assertThat(perSex).isEqualTo(6);
        int perBand = 0;
        for (JsonNode band : json.get("byAgeBand")) {
            assertThat(fieldNames(band)).containsExactly("band", "fromMonths", "toMonths", "n", "mad", "rmse", "maxError",
                    "bias", "ccc", "within12");
            assertThat(band.get("n").asInt()).isPositive();
            perBand += band.get("n").asInt();
        }
        assertThat(perBand).as("every image in exactly one band").isEqualTo(6);
        assertThat(r.out()).contains("by reference bone age");
        assertThat(json.get("failed").isArray()).isTrue();
        assertThat(json.get("failed")).isEmpty();

        List<String> rows = Files.readAllLines(out.resolve("predictions.csv"));
        assertThat(rows).hasSize(7);
        assertThat(rows.get(0)).isEqualTo("id,sex,true,predicted");
        assertThat(rows.get(1).split(",")).hasSize(4);
        assertThat(rows.get(1).split(",")[1]).isIn("male", "female");

        for (String png : List.of(EvaluateCommand.SCATTER_PNG, EvaluateCommand.BLAND_ALTMAN_PNG)) {
            BufferedImage image = ImageIO.read(out.resolve("plots").resolve(png).toFile());
            assertThat(image).as(png).isNotNull();
            assertThat(image.getWidth()).isGreaterThan(100);
        }
    }

    @Test
    void imagesWhoseIdsTheModelListsAsTrainedOnAreCountedAndWarnedAbout() throws IOException {
        Path trained = work.resolve("bundle-with-training-list");
        CliTest.copyFiles(bundle, trained);
        List<String> ids = Files.list(dataset.resolve("images")).map(f -> f.getFileName().toString().replaceAll("\\..*$", ""))
                .sorted().toList();
        Files.write(trained.resolve("training-ids.txt"), List.of(ids.get(0), ids.get(1), "not-in-this-set"));
        Path json = work.resolve("trained-on.json");
        Run r = run("evaluate", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--model", trained.toString(), "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("6 images evaluated").contains("warning: 2 of the 6 images have ids that")
                .contains("training-ids.txt (" + ids.get(0) + ", " + ids.get(1) + ")").contains("not a held-out one");
        assertThat(new ObjectMapper().readTree(json.toFile()).get("idsListedAsTrainedOn").asInt()).isEqualTo(2);
    }

    @Test
    void aBadImageAmongGoodOnesIsListedAndTheOthersEvaluated() throws IOException {
        Path data = copyOfDataset("broken");
        Files.write(data.resolve("images/2.png"), new byte[] {1, 2, 3, 4, 5});
        Files.delete(data.resolve("images/4.png"));
        Path jsonFile = work.resolve("broken.json");
        Path predictionsFile = work.resolve("broken.csv");
        Run r = run(evaluate(data, "--json", jsonFile.toString(), "--predictions", predictionsFile.toString()));
        assertThat(r.exitCode()).isEqualTo(ExitCode.PARTIAL);
        assertThat(r.err()).contains("2.png").contains("no image 4.png").doesNotContain("at io.github");

        JsonNode json = new ObjectMapper().readTree(jsonFile.toFile());
        assertThat(json.get("n").asInt()).isEqualTo(4);
        assertThat(json.get("failed")).hasSize(2);
        for (JsonNode f : json.get("failed")) {
            assertThat(fieldNames(f)).containsExactly("file", "reason");
            assertThat(f.get("reason").asText()).isNotBlank();
        }
        assertThat(json.get("failed").toString()).contains("2.png").contains("4.png");
        assertThat(Files.readAllLines(predictionsFile)).hasSize(5);
    }

    @Test
    void idsAndLimitRestrictTheSet() throws IOException {
        Path ids = work.resolve("ids.txt");
        Files.writeString(ids, "# held out\n1\n3\n5\n");
        Path jsonFile = work.resolve("ids.json");
        Run r = run(evaluate(dataset, "--ids", ids.toString(), "--json", jsonFile.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(jsonFile.toFile()).get("n").asInt()).isEqualTo(3);

        Run limited = run(evaluate(dataset, "--ids", ids.toString(), "--limit", "2", "--json", jsonFile.toString()));
        assertThat(limited.exitCode()).isZero();
        assertThat(new ObjectMapper().readTree(jsonFile.toFile()).get("n").asInt()).isEqualTo(2);

        Files.writeString(ids, "1\nnot-an-id\n");
        Run unknown = run(evaluate(dataset, "--ids", ids.toString(), "--json", jsonFile.toString()));
        assertThat(unknown.exitCode()).isEqualTo(ExitCode.PARTIAL);
        assertThat(unknown.err()).contains("1 of 2 ids not found").contains("not-an-id");
        assertThat(new ObjectMapper().readTree(jsonFile.toFile()).get("n").asInt()).isEqualTo(1);
    }

    @Test
    void idsMissingFromTheFolderAreOneSummaryLineAndTheRestIsEvaluated() throws IOException {
        Path data = copyOfDataset("fewer");
        Files.delete(data.resolve("images/4.png"));
        Path ids = work.resolve("many-ids.txt");
        StringBuilder listed = new StringBuilder("0\n2\n4\n");
        for (int i = 100; i < 140; i++) {
            listed.append(i).append('\n');
        }
        Files.writeString(ids, listed.toString());
        Path jsonFile = work.resolve("fewer.json");
        // The folder as a positional argument, like estimate.
        Run r = run("evaluate", data.resolve("images").toString(), "--labels",
                data.resolve("boneage-training-dataset.csv").toString(), "--model", bundle.toString(), "--ids", ids.toString(),
                "--json", jsonFile.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.PARTIAL);
        List<String> errLines = r.err().lines().filter(l -> l.startsWith("boneage:")).toList();
        assertThat(errLines).singleElement().asString()
                .contains("41 of 43 ids not found (40 without a label in", "1 without an image in")
                .contains(": 100, 101, 102, 103, 104 and 36 more");
        assertThat(r.out()).contains("2 images evaluated, 0 failed, 41 of 43 --ids not found");
        JsonNode json = new ObjectMapper().readTree(jsonFile.toFile());
        assertThat(json.get("n").asInt()).isEqualTo(2);
        assertThat(json.get("failed")).isEmpty();
        assertThat(json.at("/idsNotFound/count").asInt()).isEqualTo(41);
        assertThat(json.at("/idsNotFound/listed").asInt()).isEqualTo(43);
        assertThat(json.at("/idsNotFound/noImage").toString()).isEqualTo("[\"4\"]");
        assertThat(json.at("/idsNotFound/noLabel")).hasSize(40);
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run("evaluate", "--images", dataset.resolve("images").toString()).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run(evaluate(dataset, "--limit", "0")).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run(evaluate(dataset, "--no-such-flag")).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run(evaluate(dataset, dataset.resolve("images").toString())).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run("evaluate", "--labels", dataset.resolve("boneage-training-dataset.csv").toString()).exitCode())
                .isEqualTo(ExitCode.USAGE);
    }

    @Test
    void aMissingLabelsFileIsOneLineNamingIt() {
        Run r = run("evaluate", "--images", dataset.resolve("images").toString(), "--labels", work.resolve("nope.csv").toString(),
                "--model", bundle.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.err().strip()).contains("nope.csv").doesNotContain("\n");
    }
}
