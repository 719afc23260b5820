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
        assertThat(r.err()).startsWith("--format must be onnx or djl-params, got 'tflite'");
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

    @Test
    void importsOneNetworkOfModelV2IntoATrainableBundle() {
        Path out = temp.resolve("female");
        Run r = run("export", "--format", "djl-params", "../models/v2/whole-sex", "--role", "female", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("imported ../models/v2/whole-sex network female to " + out + " (djl-params, engine PyTorch")
                .contains("pinned to -1.0").contains("trained for female patients only")
                .contains("agnostic: agnostic-0000.params sha256 ");
        try (ModelBundle b = ModelBundle.load(out)) {
            assertThat(b.manifest().format()).isEqualTo(ModelFormat.DJL_PARAMS);
            assertThat(b.manifest().name()).isEqualTo("boneage-v8-whole-352-per-sex-female-djl");
        }
        assertThat(out.resolve("held-out-ids.txt")).hasSameTextualContentAs(Path.of("../models/v2/whole-sex/held-out-ids.txt"));
    }

    @Test
    void importUsageErrorsAndRefusalsNameTheProblem() {
        Run noRole = run("export", "--format", "djl-params", "../models/v2/roi1-sex", "--out", temp.resolve("a").toString());
        assertThat(noRole.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(noRole.err()).contains("../models/v2/roi1-sex: a per-sex bundle holds one network per sex; name the one"
                + " to import (its networks: [male, female, agnostic])");
        Run badRole = run("export", "--format", "djl-params", "../models/v2/roi1-sex", "--role", "child", "--out",
                temp.resolve("b").toString());
        assertThat(badRole.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badRole.err()).contains("unknown network role 'child'");
        Run roleForOnnx = run("export", "--format", "onnx", "../models/default-pytorch", "--role", "male", "--out",
                temp.resolve("c").toString());
        assertThat(roleForOnnx.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(roleForOnnx.err()).startsWith("--role, --template and --name are for --format djl-params");
        Run trainable = run("export", "--format", "djl-params", "../models/default-pytorch", "--out", temp.resolve("d").toString());
        assertThat(trainable.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(trainable.err()).contains("format djl-params is not onnx");
        assertThat(temp.resolve("a")).doesNotExist();
        assertThat(temp.resolve("b")).doesNotExist();
        assertThat(temp.resolve("c")).doesNotExist();
        assertThat(temp.resolve("d")).doesNotExist();
    }
}
