package io.github.boneage.cli;

import static io.github.boneage.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.cli.CliTest.Run;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code boneage experiment} on a tiny synthetic set: one epoch of 32-pixel models, with the small CNN standing in for
 * the paper's networks so that the class stays fast (the real stand-ins are exercised by running the command).
 */
class ExperimentCommandTest {

    @TempDir
    static Path work;
    static Path dataset;

    /** Runs the command with a given source of automatic landmarks, as a build with a detector would. */
    static Run runWithDetector(Optional<LandmarkDetector> detector, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ExperimentCommand(() -> detector));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void makeData() {
        dataset = work.resolve("synth");
        assertThat(run("synth", "--out", dataset.toString(), "--count", "20", "--seed", "3", "--size", "128x160").exitCode()).isZero();
    }

    static String[] experiment(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("experiment", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--out", out.toString(), "--epochs", "1",
                "--batch", "4", "--val-fraction", "0.3", "--seed", "1", "--size", "32", "--stand-in", "caffenet=small-cnn",
                "--stand-in", "googlenet=small-cnn", "--stand-in", "resnet=small-cnn"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void tableThreeComparesTheRoisWithGivenLandmarks() throws IOException {
        Path out = work.resolve("t3");
        Run r = run(experiment(out, "--tables", "3", "--landmarks", dataset.resolve("landmarks.csv").toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        String md = Files.readString(out.resolve(ExperimentCommand.REPORT_FILE));
        assertThat(md).contains("reduced scale").contains("Table 3").contains("| whole image |").contains("| ROI1 |")
                .contains("| ROI2 |").contains("| ROI3 |").contains("hardware threads").contains("wall time")
                .contains("trained from scratch").contains("command: `boneage experiment --images").doesNotContain("pending").doesNotContain("failed").doesNotContain("Table 1");
        assertThat(r.out()).contains("| ROI3 |");
        assertThat(out.resolve(ExperimentCommand.HELD_OUT_IDS_FILE)).isRegularFile();
        assertThat(out.resolve(ExperimentCommand.HELD_OUT_IDS_TABLE3_FILE)).isRegularFile();

        // A second run reuses the finished cells instead of training again.
        long before = System.nanoTime();
        Run again = run(experiment(out, "--tables", "3", "--landmarks", dataset.resolve("landmarks.csv").toString()));
        assertThat(again.exitCode()).isZero();
        assertThat((System.nanoTime() - before) / 1e9).isLessThan(10);
    }

    @Test
    void tablesOneAndTwoShareTheirCommonCell() throws IOException {
        Path out = work.resolve("t12");
        Run r = run(experiment(out, "--tables", "1,2", "--limit", "14"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        String md = Files.readString(out.resolve(ExperimentCommand.REPORT_FILE));
        assertThat(md).contains("Table 1").contains("Table 2").contains("CaffeNet (small-cnn), sex-agnostic")
                .contains("GoogLeNet (small-cnn), sex-specific").contains("| ResNet (small-cnn) |").doesNotContain("failed");
        try (var runs = Files.list(out.resolve("runs"))) {
            // 4 cells in Table 1, 3 in Table 2, two shared: 5 bundles, each with its checkpoint folder
            assertThat(runs.filter(p -> !p.getFileName().toString().endsWith(".checkpoints")).count()).isEqualTo(5);
        }
    }

    @Test
    void automaticLandmarksComeFromTheDefaultDetector() throws IOException {
        Path out = work.resolve("auto-classical");
        Run r = run(experiment(out, "--tables", "3", "--landmarks", "auto", "--limit", "14"));
        assertThat(r.exitCode()).as(r.err()).isIn(ExitCode.OK, ExitCode.PARTIAL);
        String md = Files.readString(out.resolve(ExperimentCommand.REPORT_FILE));
        assertThat(md).contains("detected automatically ("
                + LandmarkDetectors.describe(LandmarkDetectors.defaultDetector()) + ")")
                .contains("| ROI1 |").doesNotContain("failed");
    }

    @Test
    void automaticLandmarksUseTheSuppliedDetectorAndReportRejectedImages() throws IOException {
        LandmarkDetector rejectsAll = (image, sourceId) -> new LandmarkDetection(QualityVerdict.NO_HAND, "no hand found",
                Optional.empty(), Map.of(), 0, false);
        Path out = work.resolve("auto");
        Run r = runWithDetector(Optional.of(rejectsAll),
                experiment(out, "--tables", "3", "--landmarks", "auto", "--limit", "6"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.PARTIAL);
        assertThat(r.err()).contains("no hand found");
        assertThat(Files.readString(out.resolve(ExperimentCommand.REPORT_FILE))).contains("detected automatically").contains("failed");

        Run none = runWithDetector(Optional.empty(), experiment(out, "--tables", "3", "--landmarks", "auto"));
        assertThat(none.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err()).contains("automatic landmarks not available in this build");
    }

    @Test
    void usageErrorsExitWithTwo() {
        Path out = work.resolve("never");
        assertThat(run(experiment(out, "--tables", "4")).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run(experiment(out, "--tables", "3")).err()).contains("--landmarks");
        Run small = run("experiment", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--out", out.toString(), "--tables", "1", "--size", "32");
        assertThat(small.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(small.err()).contains("--size >= " + ExperimentCommand.ALEXNET_MIN_SIZE);
        Run url = run(experiment(out, "--tables", "2", "--pretrained", "http://example.org/googlenet.pt"));
        assertThat(url.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(url.err()).contains("download");
        assertThat(run(experiment(out, "--tables", "2", "--stand-in", "vgg=alexnet")).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run(experiment(out, "--tables", "2", "--stand-in", "resnet=vgg99")).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run("experiment", "--images", dataset.toString()).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(out).doesNotExist();
    }
}
