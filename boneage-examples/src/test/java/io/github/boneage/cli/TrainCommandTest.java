package io.github.boneage.cli;

import static io.github.boneage.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.boneage.cli.CliTest.Run;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code boneage train} on tiny synthetic sets: a 32-pixel small CNN for one epoch. */
class TrainCommandTest {

    @TempDir
    static Path work;
    static Path dataset;

    @BeforeAll
    static void makeData() {
        dataset = work.resolve("synth");
        assertThat(run("synth", "--out", dataset.toString(), "--count", "16", "--seed", "5", "--size", "96x120").exitCode()).isZero();
    }

    static String[] train(Path data, Path bundle, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--images", data.resolve("images").toString(), "--labels",
                data.resolve("boneage-training-dataset.csv").toString(), "--out", bundle.toString(), "--backbone", "small-cnn",
                "--size", "32", "--epochs", "1", "--batch", "4", "--val-fraction", "0.25"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static void assertPng(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image).as(file.toString()).isNotNull();
        assertThat(image.getWidth()).isGreaterThan(100);
    }

    @Test
    void trainsABundleWithCurvesThatEvaluateLoads() throws IOException {
        Path bundle = work.resolve("model");
        // --progress: stderr is not a terminal here, and the bar is what this test reads.
        Run r = run(train(dataset, bundle, "--progress"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(bundle.resolve("boneage-model.json")).isRegularFile();
        assertThat(bundle.resolve("training-report.json")).isRegularFile();
        assertThat(r.out()).contains("validation MAD").contains("12 training, 4 validation images");
        assertThat(r.err()).contains("epoch 1").contains("loss");
        assertPng(work.resolve("model" + TrainCommand.LOSS_PNG_SUFFIX));
        assertPng(work.resolve("model" + TrainCommand.MAD_PNG_SUFFIX));

        JsonNode manifest = new ObjectMapper().readTree(bundle.resolve("boneage-model.json").toFile());
        assertThat(manifest.get("preprocessing").get("size").asInt()).isEqualTo(32);
        assertThat(manifest.get("sexHandling").get("mode").asText()).isEqualTo("sex-input");

        Path json = work.resolve("trained-eval.json");
        Run eval = run("evaluate", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--model", bundle.toString(), "--json", json.toString());
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(new ObjectMapper().readTree(json.toFile()).get("n").asInt()).isEqualTo(16);
    }

    @Test
    void perSexTrainsTwoNetworks() throws IOException {
        Path bundle = work.resolve("per-sex");
        Run r = run(train(dataset, bundle, "--sex-mode", "per-sex", "--solver", "seed", "--progress"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode manifest = new ObjectMapper().readTree(bundle.resolve("boneage-model.json").toFile());
        assertThat(manifest.get("weights")).hasSize(2);
        assertThat(r.err()).contains("male").contains("female");
    }

    @Test
    void aBadImageAmongGoodOnesIsSkippedAndReported() throws IOException {
        Path data = work.resolve("broken");
        Files.createDirectories(data.resolve("images"));
        Files.copy(dataset.resolve("boneage-training-dataset.csv"), data.resolve("boneage-training-dataset.csv"));
        try (var files = Files.list(dataset.resolve("images"))) {
            for (Path f : files.toList()) {
                Files.copy(f, data.resolve("images").resolve(f.getFileName()));
            }
        }
        Files.write(data.resolve("images/3.png"), new byte[] {9, 9, 9});
        Path bundle = work.resolve("broken-model");
        Run r = run(train(data, bundle));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.PARTIAL);
        assertThat(r.err()).contains("skipped 3").doesNotContain("at io.github");
        assertThat(bundle.resolve("boneage-model.json")).isRegularFile();
    }

    @Test
    void usageErrorsExitWithTwo() {
        Path bundle = work.resolve("never");
        Run url = run(train(dataset, bundle, "--pretrained", "https://example.org/resnet.pt"));
        assertThat(url.exitCode()).isEqualTo(ExitCode.USAGE);
        Run urlAlone = run("train", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--out", bundle.toString(), "--pretrained",
                "https://example.org/resnet.pt");
        assertThat(urlAlone.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(urlAlone.err()).contains("not a URL").contains("download");
        Run missingFile = run("train", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--out", bundle.toString(), "--pretrained",
                work.resolve("missing.pt").toString());
        assertThat(missingFile.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(missingFile.err()).contains("missing.pt");
        assertThat(run(train(dataset, bundle, "--sex-mode", "both")).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run(train(dataset, bundle, "--backbone", "vgg99")).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run(train(dataset, bundle, "--val-fraction", "1.5")).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run(train(dataset, bundle, "--roi", "roi1")).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run("train", "--images", dataset.toString()).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bundle).doesNotExist();
    }
}
