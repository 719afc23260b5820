package io.github.boneage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.boneage.cli.CliTest.Run;
import io.github.boneage.clinical.uncertainty.CalibratedModel;
import io.github.boneage.clinical.uncertainty.CalibrationLevel;
import io.github.boneage.clinical.uncertainty.IntervalMethod;
import io.github.boneage.clinical.uncertainty.TestTimeAugmentation;
import io.github.boneage.clinical.uncertainty.UncertaintyCalibration;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.djl.ModelBundleWriter;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code estimate} on DICOM input, with chronological age, SDS and per-image reports (tiny model, synthetic hands). */
class ClinicalEstimateTest {

    @TempDir
    static Path work;
    static Path png;
    static Path bundle;
    static Path calibrated;
    static GreyImage pixels;

    static Run run(String... args) {
        return CliTest.run(args);
    }

    @BeforeAll
    static void makeImageAndModel() throws IOException {
        Path synth = work.resolve("synth");
        assertThat(run("synth", "--out", synth.toString(), "--count", "1", "--seed", "11", "--size", "160x200").exitCode()).isZero();
        png = synth.resolve("images/0.png");
        pixels = ImageDecoder.create().decode(png);
        Path weights = work.resolve("resnet_tiny.onnx");
        try (InputStream in = ClinicalEstimateTest.class.getResourceAsStream("/fixtures/resnet_tiny.onnx")) {
            Files.copy(in, weights, StandardCopyOption.REPLACE_EXISTING);
        }
        PreprocessSpec spec = new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.histeq(), 32, 3, new double[] {0.5, 0.5, 0.5},
                new double[] {0.25, 0.25, 0.25});
        bundle = ModelBundleWriter.builder().setName("tiny-test-model").setArchitecture("resnet_tiny")
                .setFormat(ModelFormat.ONNX).setPreprocessing(spec).addWeights(NetworkRole.AGNOSTIC, weights)
                .optOutput(OutputSpec.regression(24, 100)).build().writeFolder(work.resolve("bundle"));
        calibrated = ModelBundleWriter.builder().setName("tiny-test-model").setArchitecture("resnet_tiny")
                .setFormat(ModelFormat.ONNX).setPreprocessing(spec).addWeights(NetworkRole.AGNOSTIC, weights)
                .optOutput(OutputSpec.regression(24, 100)).build().writeFolder(work.resolve("bundle-calibrated"));
        String digest;
        try (DjlBoneAgeEstimator model = DjlBoneAgeEstimator.builder().setBundle(calibrated).build()) {
            digest = model.model().digest();
        }
        // An absolute-width calibration: the 90% interval is the TTA median +- 6 months.
        new UncertaintyCalibration(UncertaintyCalibration.FORMAT_VERSION, new CalibratedModel("tiny-test-model", digest),
                IntervalMethod.ABSOLUTE, 1.0, TestTimeAugmentation.defaults(), 20, "test values", "2026-11-22T00:00:00Z",
                List.of(new CalibrationLevel(0.9, 6.0)), null).write(UncertaintyCalibration.fileFor(calibrated));
    }

    static JsonNode json(Run r) throws IOException {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out()).get(0);
    }

    @Test
    void samePixelsAsPngAndAsDicomGiveTheSameEstimateAndDicomSuppliesSexAndAge() throws IOException {
        Path dicom = work.resolve("same-pixels.dcm");
        DicomTestFiles.write(dicom, pixels, true, "F", "010Y");
        JsonNode fromPng = json(run("estimate", png.toString(), "--model", bundle.toString(), "--format", "json",
                "--sex", "female", "--age-months", "120"));
        JsonNode fromDicom = json(run("estimate", dicom.toString(), "--model", bundle.toString(), "--format", "json"));
        assertThat(fromDicom.get("boneAgeMonths").asDouble()).isEqualTo(fromPng.get("boneAgeMonths").asDouble());
        assertThat(fromDicom.get("sex").asText()).isEqualTo("female");
        assertThat(fromDicom.get("chronologicalAgeMonths").asDouble()).isEqualTo(120);
        assertThat(fromDicom.get("sds").asDouble()).isEqualTo(fromPng.get("sds").asDouble());
        assertThat(fromDicom.get("verdict").asText()).isEqualTo(fromPng.get("verdict").asText());
        // hand-check the SDS: girl of 120 months, SD 11.73
        double months = fromPng.get("boneAgeMonths").asDouble();
        assertThat(fromPng.get("sds").asDouble()).isCloseTo((months - 120) / 11.73, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void flagsWinOverTheDicomHeader() throws IOException {
        Path dicom = work.resolve("flags.dcm");
        DicomTestFiles.write(dicom, pixels, false, "F", "010Y");
        JsonNode o = json(run("estimate", dicom.toString(), "--model", bundle.toString(), "--format", "json",
                "--sex", "male", "--age-months", "100"));
        assertThat(o.get("sex").asText()).isEqualTo("male");
        assertThat(o.get("chronologicalAgeMonths").asDouble()).isEqualTo(100);
        double months = o.get("boneAgeMonths").asDouble();
        // boy, 100 months: between 96 (9.10) and 108 (9.00) -> SD 9.10 - 4/12 * 0.10
        assertThat(o.get("sds").asDouble()).isCloseTo((months - 100) / (9.10 - 0.1 / 3), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void withoutSexOrAgeThereIsNoSdsAndTheReasonIsAWarning() throws IOException {
        JsonNode none = json(run("estimate", png.toString(), "--model", bundle.toString(), "--format", "json"));
        assertThat(none.get("chronologicalAgeMonths").isNull()).isTrue();
        assertThat(none.get("sds").isNull()).isTrue();
        JsonNode noSex = json(run("estimate", png.toString(), "--model", bundle.toString(), "--format", "json", "--age-months", "90"));
        assertThat(noSex.get("sds").isNull()).isTrue();
        assertThat(noSex.get("warnings").get(0).asText()).contains("sex-specific");
        JsonNode tooYoung = json(run("estimate", png.toString(), "--model", bundle.toString(), "--format", "json",
                "--sex", "male", "--age-months", "1"));
        assertThat(tooYoung.get("warnings").get(0).asText()).contains("outside");
        Run table = run("estimate", png.toString(), "--model", bundle.toString(), "--sex", "male", "--age-months", "120");
        assertThat(table.out()).contains("SDS").contains("120.0");
    }

    @Test
    void foldersWithDicomAndPngAreWalkedAndReportsWritten() throws IOException {
        Path folder = work.resolve("mixed");
        Files.createDirectories(folder.resolve("sub"));
        Files.copy(png, folder.resolve("a.png"));
        DicomTestFiles.write(folder.resolve("sub/a.dcm"), pixels, true, "M", "009Y");
        Files.writeString(folder.resolve("broken.dcm"), "not a DICOM file");
        Path reports = work.resolve("reports");
        Run r = run("estimate", folder.toString(), "--model", bundle.toString(), "--format", "json", "--report", reports.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.PARTIAL);
        JsonNode array = new ObjectMapper().readTree(r.out());
        assertThat(array).hasSize(3);
        // Named by its id, without the folder (no --report-paths).
        assertThat(r.err()).contains("boneage: broken").contains("DICM").doesNotContain(folder.toString());
        // a.png and sub/a.dcm share the id "a": the second report is a-2
        for (String name : new String[] {"a.json", "a.html", "a.fhir.json", "a-2.json", "a-2.html", "a-2.fhir.json"}) {
            assertThat(reports.resolve(name)).as(name).isRegularFile();
        }
        JsonNode report = new ObjectMapper().readTree(reports.resolve("a-2.json").toFile());
        assertThat(report.get("format").asText()).isEqualTo("boneage-report/1");
        assertThat(report.at("/patient/sexSource").asText()).isEqualTo("DICOM PatientSex");
        assertThat(report.at("/patient/chronologicalAgeSource").asText()).isEqualTo("DICOM PatientAge");
        assertThat(report.at("/reference/verdict").isTextual()).isTrue();
        assertThat(Files.readString(reports.resolve("a-2.html"))).contains("data:image/png;base64,").contains("Growth chart");
        JsonNode fhir = new ObjectMapper().readTree(reports.resolve("a-2.fhir.json").toFile());
        assertThat(fhir.at("/code/coding/0/code").asText()).isEqualTo("85151-9");
    }

    @Test
    void uncertaintyAddsTheCalibratedInterval() throws IOException {
        JsonNode o = json(run("estimate", png.toString(), "--model", calibrated.toString(), "--format", "json",
                "--uncertainty", "--sex", "female", "--age-months", "120"));
        double months = o.get("boneAgeMonths").asDouble();
        assertThat(o.get("intervalLowerMonths").asDouble()).isCloseTo(months - 6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(o.get("intervalUpperMonths").asDouble()).isCloseTo(months + 6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(o.get("intervalCoverage").asDouble()).isEqualTo(0.9);
        Run table = run("estimate", png.toString(), "--model", calibrated.toString(), "--uncertainty");
        assertThat(table.out()).contains("interval").contains("(90%)");

        Run uncalibrated = run("estimate", png.toString(), "--model", bundle.toString(), "--uncertainty");
        assertThat(uncalibrated.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(uncalibrated.err()).contains("uncertainty-calibration.json");
        Run badCoverage = run("estimate", png.toString(), "--model", calibrated.toString(), "--uncertainty", "--coverage", "0.5");
        assertThat(badCoverage.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(badCoverage.err()).contains("0.5");
    }

    @Test
    void explainWritesTheHeatmapAndTheReportDrawsIt() throws IOException {
        assertThat(run("estimate", png.toString(), "--model", bundle.toString(), "--explain").exitCode()).isEqualTo(ExitCode.USAGE);
        Path reports = work.resolve("explained");
        Run r = run("estimate", png.toString(), "--model", calibrated.toString(), "--uncertainty", "--explain",
                "--sex", "male", "--age-months", "130", "--report", reports.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(reports.resolve("0-heatmap.png")).isRegularFile();
        JsonNode report = new ObjectMapper().readTree(reports.resolve("0.json").toFile());
        assertThat(report.at("/heatmap/method").asText()).startsWith("occlusion sensitivity");
        assertThat(report.at("/interval/coverage").asDouble()).isEqualTo(0.9);
        assertThat(report.at("/interval/method").asText()).contains("test-time augmentation");
        String html = Files.readString(reports.resolve("0.html"));
        assertThat(html).contains("explanation heatmap").contains("90%");
    }
}
