package io.github.boneage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.djl.ModelBundleWriter;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.preprocess.io.PngWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code estimate}'s quality gate and automatic landmarks: a blank film among hands is rejected with its verdict while
 * the hands are estimated, and an ROI1 model works with no landmarks file.
 */
class QualityGateCliTest {

    @TempDir
    static Path work;
    static Path hands;
    static Path blank;

    @BeforeAll
    static void makeImages() throws IOException {
        hands = work.resolve("synth");
        assertThat(CliTest.run("synth", "--out", hands.toString(), "--count", "2", "--seed", "5", "--size", "200x240").exitCode()).isZero();
        GreyImage8 empty = new GreyImage8(200, 240);
        blank = work.resolve("blank.png");
        PngWriter.write(empty, blank);
    }

    private static Path bundle(RoiScheme roi, String name) throws IOException {
        Path weights = work.resolve("resnet_tiny.onnx");
        if (!Files.exists(weights)) {
            try (InputStream in = QualityGateCliTest.class.getResourceAsStream("/fixtures/resnet_tiny.onnx")) {
                Files.copy(in, weights, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        PreprocessSpec spec = new PreprocessSpec(roi, EqualizerSpec.histeq(), 32, 3, new double[] {0.5, 0.5, 0.5},
                new double[] {0.25, 0.25, 0.25});
        return ModelBundleWriter.builder().setName("tiny-" + name).setArchitecture("resnet_tiny").setFormat(ModelFormat.ONNX)
                .setPreprocessing(spec).addWeights(NetworkRole.AGNOSTIC, weights).optOutput(OutputSpec.regression(24, 100))
                .build().writeFolder(work.resolve(name));
    }

    @Test
    void aBlankFilmIsRejectedWithItsVerdictWhileTheHandsAreEstimated() throws IOException {
        Path model = bundle(RoiScheme.WHOLE, "whole");
        CliTest.Run r = CliTest.run("estimate", hands.resolve("images").toString(), blank.toString(), "--model", model.toString(),
                "--sex", "female", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.PARTIAL);
        // Named by its id (the file name without folders and extension) unless --report-paths.
        assertThat(r.err()).contains("boneage: blank: quality gate NO_HAND");
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertThat(rows).hasSize(3);
        for (int i = 0; i < 2; i++) {
            assertThat(rows.get(i).get("boneAgeMonths").isNumber()).isTrue();
            assertThat(rows.get(i).at("/qualityGate/verdict").asText()).isEqualTo("OK");
        }
        assertThat(rows.get(2).get("boneAgeMonths").isNull()).isTrue();
        assertThat(rows.get(2).at("/qualityGate/verdict").asText()).isEqualTo("NO_HAND");
        assertThat(rows.get(2).get("id").asText()).isEqualTo("blank");
        assertThat(rows.get(2).get("error").asText()).startsWith("blank: quality gate NO_HAND");

        CliTest.Run ungated = CliTest.run("estimate", blank.toString(), "--model", model.toString(), "--sex", "female",
                "--no-quality-gate", "--format", "json");
        assertThat(ungated.exitCode()).as(ungated.err()).isZero();
        assertThat(new ObjectMapper().readTree(ungated.out()).get(0).has("qualityGate")).isFalse();
    }

    @Test
    void anRoiModelTakesDetectedLandmarksAndReportsThem() throws IOException {
        Path model = bundle(RoiScheme.ROI1, "roi1");
        Path reports = work.resolve("reports");
        CliTest.Run r = CliTest.run("estimate", hands.resolve("images/0.png").toString(), "--model", model.toString(),
                "--sex", "male", "--format", "json", "--report", reports.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode row = new ObjectMapper().readTree(r.out()).get(0);
        assertThat(row.get("roi").asText()).isEqualTo("roi1");
        JsonNode report = new ObjectMapper().readTree(reports.resolve("0.json").toFile());
        assertThat(report.at("/quality/verdict").asText()).isEqualTo("OK");
        assertThat(report.at("/landmarks/middle/x").isNumber()).isTrue();
        assertThat(report.at("/landmarks/radius/y").asDouble()).isBetween(0.0, 240.0);
    }
}
