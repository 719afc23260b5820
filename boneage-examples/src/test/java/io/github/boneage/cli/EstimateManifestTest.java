package io.github.boneage.cli;

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
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code estimate --manifest}: good and bad rows in one manifest (each bad row one error naming the manifest, line and
 * column; the good rows estimated with their own sex and age), and reports that show ids, not local paths, unless
 * {@code --report-paths} (tiny model, synthetic hands).
 */
class EstimateManifestTest {

    @TempDir
    static Path work;
    /** A folder whose absolute path must not leak into outputs: it holds the images and the manifest. */
    static Path cases;
    static Path bundle;

    @BeforeAll
    static void makeImagesAndModel() throws IOException {
        Path synth = work.resolve("synth");
        assertThat(CliTest.run("synth", "--out", synth.toString(), "--count", "3", "--seed", "5", "--size", "160x200")
                .exitCode()).isZero();
        cases = Files.createDirectories(work.resolve("patient-folder-Doe-Jane").resolve("xrays"));
        for (String id : List.of("0", "1", "2")) {
            Files.copy(synth.resolve("images/" + id + ".png"), cases.resolve("hand" + id + ".png"));
        }
        Path weights = work.resolve("resnet_tiny.onnx");
        try (InputStream in = EstimateManifestTest.class.getResourceAsStream("/fixtures/resnet_tiny.onnx")) {
            Files.copy(in, weights, StandardCopyOption.REPLACE_EXISTING);
        }
        PreprocessSpec spec = new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.histeq(), 32, 3, new double[] {0.5, 0.5, 0.5},
                new double[] {0.25, 0.25, 0.25});
        bundle = ModelBundleWriter.builder().setName("tiny-test-model").setArchitecture("resnet_tiny")
                .setFormat(ModelFormat.ONNX).setPreprocessing(spec).addWeights(NetworkRole.AGNOSTIC, weights)
                .optOutput(OutputSpec.regression(24, 100)).build().writeFolder(work.resolve("bundle"));
    }

    private static Path manifest(String name, String text) throws IOException {
        Path file = cases.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static Map<String, JsonNode> byId(Run r) throws IOException {
        Map<String, JsonNode> rows = new HashMap<>();
        for (JsonNode o : new ObjectMapper().readTree(r.out())) {
            assertThat(rows.put(o.get("id").asText(), o)).as("id %s appears once", o.get("id")).isNull();
        }
        return rows;
    }

    @Test
    void goodRowsAreEstimatedWithTheirOwnSexAndAgeAndEachBadRowIsOneError() throws IOException {
        Path m = manifest("cases.csv", String.join("\n",
                "file,sex,chronological_age_months,id",
                "hand0.png,female,120,p-01",                 // line 2: good
                "hand1.png,M,96.5,p-02",                     // line 3: good (DICOM spelling of the sex)
                "absent.png,female,100,p-03",                // line 4: missing file
                "hand2.png,girl,100,p-04",                   // line 5: bad sex
                "hand2.png,female,ten,p-05",                 // line 6: non-numeric age
                "hand2.png,female,300,p-06",                 // line 7: out of range (not clamped)
                "hand2.png,female,-1,p-07",                  // line 8: negative
                "hand2.png,female,100,p-01",                 // line 9: duplicate id
                "hand2.png,female",                          // line 10: wrong column count
                "hand2.png,,,"                               // line 11: good, nothing known, id from the file name
                ) + "\n");
        Run r = CliTest.run("estimate", "--manifest", m.toString(), "--model", bundle.toString(), "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.PARTIAL);
        Map<String, JsonNode> rows = byId(r);
        assertThat(rows).hasSize(10);

        assertThat(rows.get("p-01").get("boneAgeMonths").isNumber()).isTrue();
        assertThat(rows.get("p-01").get("sex").asText()).isEqualTo("female");
        assertThat(rows.get("p-01").get("chronologicalAgeMonths").asDouble()).isEqualTo(120.0);
        assertThat(rows.get("p-02").get("sex").asText()).isEqualTo("male");
        assertThat(rows.get("p-02").get("chronologicalAgeMonths").asDouble()).isEqualTo(96.5);
        // Line 10 (bad) took the id hand2 first; ids stay distinct.
        assertThat(rows.get("hand2-2").get("boneAgeMonths").isNumber()).isTrue();
        assertThat(rows.get("hand2-2").get("sex").asText()).isEqualTo("unknown");
        assertThat(rows.get("hand2-2").get("chronologicalAgeMonths").isNull()).isTrue();

        Map<String, String> expected = Map.of(
                "p-03", "cases.csv, line 4, column file: 'absent.png' does not exist",
                "p-04", "cases.csv, line 5, column sex: unknown sex 'girl'",
                "p-05", "cases.csv, line 6, column chronological_age_months: 'ten' is not a number of months",
                "p-06", "cases.csv, line 7, column chronological_age_months: '300' is not an age in months between 0 and 240",
                "p-07", "cases.csv, line 8, column chronological_age_months: '-1' is not an age in months between 0 and 240",
                "p-01-2", "cases.csv, line 9, column id: duplicate id 'p-01' (first used on line 2)",
                "hand2", "cases.csv, line 10: row has 2 cells but the header has 4 columns");
        expected.forEach((id, message) -> {
            assertThat(rows.get(id)).as(id).isNotNull();
            assertThat(rows.get(id).get("boneAgeMonths").isNull()).as(id).isTrue();
            assertThat(rows.get(id).get("error").asText()).as(id).startsWith(message);
        });
        assertThat(r.err().lines().filter(l -> l.startsWith("boneage: cases.csv, line ")).count()).isEqualTo(7);
    }

    @Test
    void aBadHeaderFailsTheCommandNamingTheColumn() throws IOException {
        Path m = manifest("bad-header.csv", "file,gender\nhand0.png,female\n");
        Run r = CliTest.run("estimate", "--manifest", m.toString(), "--model", bundle.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.err()).contains("bad-header.csv, line 1, column gender: unknown column");

        Path none = manifest("no-file.csv", "id,sex\na,female\n");
        Run r2 = CliTest.run("estimate", "--manifest", none.toString(), "--model", bundle.toString());
        assertThat(r2.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(r2.err()).contains("no-file.csv, line 1, column file: the header has no 'file' column");
    }

    @Test
    void manifestExcludesImagesAndTheGlobalSexAndAge() throws IOException {
        Path m = manifest("plain.csv", "file\nhand0.png\n");
        assertThat(CliTest.run("estimate", "--manifest", m.toString(), cases.resolve("hand1.png").toString()).exitCode())
                .isEqualTo(ExitCode.USAGE);
        assertThat(CliTest.run("estimate", "--manifest", m.toString(), "--sex", "female").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(CliTest.run("estimate").exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void reportsShowIdsNotLocalPathsUnlessAskedTo() throws IOException {
        Path m = manifest("report.csv", "file,sex,chronological_age_months,id\nhand0.png,female,120,case-7\n");
        String folder = cases.toAbsolutePath().toString();
        String patient = "patient-folder-Doe-Jane";

        Path reports = work.resolve("reports-ids");
        Run byManifest = CliTest.run("estimate", "--manifest", m.toString(), "--model", bundle.toString(), "--format", "json",
                "--report", reports.toString());
        assertThat(byManifest.exitCode()).as(byManifest.err()).isZero();
        Run byFolder = CliTest.run("estimate", cases.toString(), "--model", bundle.toString(), "--format", "csv", "--report",
                reports.toString(), "--sex", "male", "--age-months", "100");
        assertThat(byFolder.exitCode()).as(byFolder.err()).isZero();
        assertThat(reports.resolve("case-7.json")).exists();
        assertThat(reports.resolve("hand1.html")).exists();
        List<Path> written = list(reports);
        assertThat(written).hasSizeGreaterThanOrEqualTo(12);
        for (Path f : written) {
            assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(folder)
                    .doesNotContain(patient);
        }
        assertThat(byManifest.out()).doesNotContain(patient);
        assertThat(byFolder.out()).doesNotContain(patient);
        assertThat(Files.readString(reports.resolve("case-7.json"))).contains("\"source\" : \"case-7\"")
                .contains("manifest report.csv line 2");
        assertThat(Files.readString(reports.resolve("hand1.fhir.json"))).contains("Source image: hand1.");

        // A decoder's error names the file it read: outputs show the id instead.
        Path broken = Files.createDirectories(cases.getParent().resolve("other")).resolve("broken.png");
        Files.writeString(broken, "not an image");
        Run failed = CliTest.run("estimate", broken.toAbsolutePath().toString(), "--model", bundle.toString(), "--format",
                "json");
        assertThat(failed.exitCode()).isEqualTo(ExitCode.PARTIAL);
        assertThat(new ObjectMapper().readTree(failed.out()).get(0).get("error").asText()).startsWith("broken: not an image");
        assertThat(failed.out()).doesNotContain(patient);

        Path withPaths = work.resolve("reports-paths");
        Run opted = CliTest.run("estimate", "--manifest", m.toString(), "--model", bundle.toString(), "--format", "json",
                "--report", withPaths.toString(), "--report-paths");
        assertThat(opted.exitCode()).as(opted.err()).isZero();
        assertThat(new ObjectMapper().readTree(opted.out()).get(0).get("file").asText()).startsWith(folder);
        for (String suffix : List.of(".json", ".html", ".fhir.json")) {
            assertThat(Files.readString(withPaths.resolve("case-7" + suffix))).as(suffix).contains(folder);
        }
    }

    @Test
    void progressGoesToStderrOnlyWhenAskedAndNeverIntoTheJson() throws IOException {
        String[] args = {"estimate", cases.toString(), "--model", bundle.toString(), "--format", "json"};
        // Not a terminal (as here): no bar.
        Run plain = CliTest.run(args);
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(plain.err()).doesNotContain("estimate ").doesNotContain("%");

        Run forced = CliTest.run(concat(args, "--progress"));
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(forced.err()).contains("estimate").contains("100%").contains("3/3");
        // stdout is the same JSON array, byte for byte apart from nothing: the bar lives on stderr only.
        assertThat(new ObjectMapper().readTree(forced.out())).hasSize(3);
        assertThat(forced.out()).doesNotContain("\r").doesNotContain("%");

        Run quiet = CliTest.run(concat(args, "--progress", "--quiet"));
        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.err()).doesNotContain("%");

        // landmarks and evaluate draw the same way.
        Run landmarks = CliTest.run("landmarks", cases.toString(), "--out", work.resolve("lm.csv").toString(), "--progress");
        assertThat(landmarks.err()).contains("landmarks").contains("100%");
        assertThat(landmarks.out()).doesNotContain("%");
    }

    private static String[] concat(String[] a, String... b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.toList();
        }
    }
}
