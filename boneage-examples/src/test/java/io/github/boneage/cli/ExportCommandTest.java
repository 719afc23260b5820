package io.github.boneage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.djl.ModelBundle;
import io.github.boneage.djl.landmarks.LandmarkBundle;
import io.github.boneage.djl.manifest.ModelFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code boneage export}: exit codes, output and the written bundles (parity is tested in boneage-djl). */
class ExportCommandTest {

    @TempDir
    Path temp;

    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BoneAgeCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void exportsTheDefaultModelToOnnx() {
        Path out = temp.resolve("default-onnx");
        Run r = run("export", "--format", "onnx", "../models/default-pytorch", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("exported ../models/default-pytorch to " + out + " (onnx, engine OnnxRuntime)")
                .contains("agnostic: agnostic.onnx sha256 ")
                .contains("uncertainty-calibration.json (its model entry now names boneage-mobilenetv2-160-full-onnx)");
        try (ModelBundle b = ModelBundle.load(out)) {
            assertThat(b.manifest().format()).isEqualTo(ModelFormat.ONNX);
        }
        // The copied calibration belongs to the exported model: --uncertainty works with it.
        Run estimate = run("estimate", "../samples/synthetic-hand.png", "--sex", "female", "--uncertainty", "--format", "csv",
                "--model", out.toString());
        assertThat(estimate.exitCode()).as(estimate.err()).isZero();
        assertThat(estimate.out()).contains("boneage-mobilenetv2-160-full-onnx");
    }

    @Test
    void exportsTheLandmarkModelToOnnx() {
        Path out = temp.resolve("landmarks-onnx");
        Run r = run("export", "--format", "onnx", "../models/landmarks-pytorch", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("exported landmark model ../models/landmarks-pytorch").contains("landmarks.onnx sha256 ");
        assertThat(LandmarkBundle.load(out).engine()).isEqualTo("OnnxRuntime");
    }

    @Test
    void unknownFormatIsAUsageError() {
        Run r = run("export", "--format", "tflite", "../models/default-pytorch", "--out", temp.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("--format must be onnx (the only export format), got 'tflite'");
        assertThat(temp.resolve("x")).doesNotExist();
    }

    @Test
    void unsupportedBundleFailsNamingIt() throws Exception {
        Path out = temp.resolve("once");
        assertThat(run("export", "--format", "onnx", "../models/default-pytorch", "--out", out.toString()).exitCode()).isZero();
        Run r = run("export", "--format", "onnx", out.toString(), "--out", temp.resolve("twice").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.err()).startsWith("boneage: " + out + ": cannot export a bundle of format onnx (supported: ");
        Run missing = run("export", "--format", "onnx", "no-such-model", "--out", temp.resolve("y").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(missing.err()).startsWith("boneage: model bundle no-such-model: no such file or folder");
        assertThat(Files.exists(temp.resolve("y"))).isFalse();
    }
}
