package io.github.boneage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every subcommand on synthetic data: exit codes, outputs, files written, bad inputs among good ones. */
class CliTest {

    @TempDir
    static Path work;
    static Path dataset;
    static Path bundle;

    /** The result of one CLI run. */
    record Run(int exitCode, String out, String err) {
    }

    /**
     * Copies the regular files of a folder (not its sub-folders) into another, created if absent.
     *
     * @param from the folder to copy
     * @param to   the folder to copy into
     */
    static void copyFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    /**
     * Copies an RSNA-format folder written by {@code synth} (labels CSV and images) for a test to break.
     *
     * @param dataset the folder
     * @param copy    the new folder
     */
    static void copyDataset(Path dataset, Path copy) throws IOException {
        copyFiles(dataset.resolve("images"), copy.resolve("images"));
        Files.copy(dataset.resolve("boneage-training-dataset.csv"), copy.resolve("boneage-training-dataset.csv"));
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BoneAgeCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void makeDataAndModel() throws IOException {
        dataset = work.resolve("synth");
        assertThat(run("synth", "--out", dataset.toString(), "--count", "3", "--seed", "7", "--size", "160x200").exitCode())
                .isZero();
        Path weights = work.resolve("resnet_tiny.onnx");
        try (InputStream in = CliTest.class.getResourceAsStream("/fixtures/resnet_tiny.onnx")) {
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

    @Test
    void synthWritesAnRsnaFolderWithLandmarks() throws IOException {
        assertThat(dataset.resolve("images")).isDirectoryContaining("glob:**/0.png");
        try (var files = Files.list(dataset.resolve("images"))) {
            assertThat(files.count()).isEqualTo(3);
        }
        assertThat(Files.readAllLines(dataset.resolve("boneage-training-dataset.csv")).get(0)).isEqualTo("id,boneage,male");
        assertThat(Files.readAllLines(dataset.resolve("landmarks.csv"))).hasSize(4);
    }

    @Test
    void preprocessWritesTheModelInputForEveryRoi() {
        for (String roi : List.of("whole", "roi1", "roi2", "roi3")) {
            for (String eq : List.of("none", "histeq", "histeq-matlab", "clahe")) {
                Path out = work.resolve("pp-" + roi + "-" + eq + ".png");
                Run r = run("preprocess", dataset.resolve("images/0.png").toString(), "--out", out.toString(), "--roi", roi,
                        "--landmarks", dataset.resolve("landmarks.csv").toString(), "--equalizer", eq, "--size", "64");
                assertThat(r.exitCode()).as(r.err()).isZero();
                GreyImage written = ImageDecoder.create().decode(out);
                assertThat(written.width()).isEqualTo(64);
                assertThat(written.height()).isEqualTo(64);
            }
        }
    }

    @Test
    void preprocessTakesItsSettingsFromTheModel() throws IOException {
        String image = dataset.resolve("images/0.png").toString();
        GreyImage decoded = ImageDecoder.create().decode(dataset.resolve("images/0.png"));
        io.github.boneage.core.HandLandmarks points = Inputs.landmarksFor(dataset.resolve("landmarks.csv"),
                dataset.resolve("images/0.png"), decoded.width(), decoded.height());

        // No flags: exactly what the shipped default model, an ensemble, feeds each member (its manifest's ROI, equalizer
        // and size), one picture per member.
        Path byDefault = work.resolve("pp-default.png");
        Run r = run("preprocess", image, "--out", byDefault.toString(), "--landmarks", dataset.resolve("landmarks.csv").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path ensemble = ModelLocator.resolve(null);
        assertThat(io.github.boneage.djl.EnsembleBundle.isEnsemble(ensemble)).isTrue();
        List<io.github.boneage.djl.EnsembleBundle.MemberEntry> members = io.github.boneage.djl.EnsembleBundle.read(ensemble).members();
        assertThat(members).hasSize(4);
        for (io.github.boneage.djl.EnsembleBundle.MemberEntry m : members) {
            String name = m.folder().getFileName().toString();
            io.github.boneage.preprocess.PreprocessSpec shipped;
            try (io.github.boneage.djl.ModelBundle b = io.github.boneage.djl.ModelBundle.load(m.folder())) {
                shipped = b.manifest().preprocessing();
            }
            GreyImage expected = new io.github.boneage.preprocess.Preprocessor(shipped).prepare(decoded, points).image();
            GreyImage written = ImageDecoder.create().decode(work.resolve("pp-default-" + name + ".png"));
            assertThat(written.width()).isEqualTo(shipped.size()).isEqualTo(expected.width());
            for (int y = 0; y < written.height(); y += 7) {
                for (int x = 0; x < written.width(); x += 7) {
                    assertThat(written.get(x, y)).as("%s pixel %d,%d", name, x, y).isEqualTo(expected.get(x, y));
                }
            }
            assertThat(r.out()).contains("member " + name + " (").contains("equalizer " + shipped.equalizer().method())
                    .contains("from ROI " + shipped.roi().label());
        }
        assertThat(byDefault).doesNotExist();

        // --member: that member's picture alone, to OUT itself.
        Path roi2 = work.resolve("pp-roi2.png");
        Run one = run("preprocess", image, "--out", roi2.toString(), "--member", "roi2-sex", "--landmarks",
                dataset.resolve("landmarks.csv").toString());
        assertThat(one.exitCode()).as(one.err()).isZero();
        assertThat(Files.mismatch(roi2, work.resolve("pp-default-roi2-sex.png"))).isEqualTo(-1L);
        assertThat(work.resolve("pp-roi2-roi2-sex.png")).doesNotExist();

        // --model: that model's settings; a flag overrides one of them.
        Path tiny = work.resolve("pp-tiny.png");
        Run t = run("preprocess", image, "--out", tiny.toString(), "--model", bundle.toString());
        assertThat(t.exitCode()).as(t.err()).isZero();
        // ImageIO: the decoder refuses pictures this small as radiographs.
        assertThat(javax.imageio.ImageIO.read(tiny.toFile()).getWidth()).isEqualTo(32);
        assertThat(t.out()).contains("tiny-test-model").contains("equalizer histeq,");
        Run sized = run("preprocess", image, "--out", tiny.toString(), "--model", bundle.toString(), "--size", "48",
                "--equalizer", "clahe");
        assertThat(sized.exitCode()).as(sized.err()).isZero();
        assertThat(javax.imageio.ImageIO.read(tiny.toFile()).getWidth()).isEqualTo(48);
        assertThat(sized.out()).contains("equalizer clahe");
    }

    @Test
    void preprocessRefusesAnUnknownMemberAndAMemberOfASingleBundle() {
        Path ensemble = Path.of("..", "models", "v2").toAbsolutePath().normalize();
        Run r = run("preprocess", dataset.resolve("images/0.png").toString(), "--out", work.resolve("e.png").toString(),
                "--model", ensemble.toString(), "--member", "roi3");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--member roi3")
                .contains("has the members whole, whole-sex, roi2-sex, roi1-sex");
        Run single = run("preprocess", dataset.resolve("images/0.png").toString(), "--out", work.resolve("e.png").toString(),
                "--model", bundle.toString(), "--member", "whole");
        assertThat(single.exitCode()).isEqualTo(2);
        assertThat(single.err()).contains("not an ensemble");
        assertThat(work.resolve("e.png")).doesNotExist();
    }

    /**
     * Without points for its region members the ensemble estimates from its whole-image member alone: preprocess writes
     * that member's picture and names the ones it could not write, with the detector's reason.
     */
    @Test
    void preprocessWritesOnlyTheWholeImageMemberWhereNoPointsAreFound() throws IOException {
        // Smooth noise: a picture the decoder takes but in which the landmark detector finds no hand.
        java.util.Random random = new java.util.Random(5);
        byte[] pixels = new byte[240 * 300];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (100 + random.nextInt(40));
        }
        Path noise = work.resolve("noise.png");
        io.github.boneage.preprocess.io.PngWriter.write(new io.github.boneage.core.image.GreyImage8(240, 300, pixels), noise);
        Path out = work.resolve("noise-pp.png");
        Run r = run("preprocess", noise.toString(), "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(work.resolve("noise-pp-whole.png")).isRegularFile();
        assertThat(work.resolve("noise-pp-whole-sex.png")).isRegularFile();
        for (String region : List.of("roi2-sex", "roi1-sex")) {
            assertThat(work.resolve("noise-pp-" + region + ".png")).doesNotExist();
        }
        assertThat(r.out()).contains("not written: roi2-sex (roi2), roi1-sex (roi1)")
                .contains("whole-image members only");
        // Asked for a region member by name, the missing points are the command's failure.
        Run named = run("preprocess", noise.toString(), "--out", out.toString(), "--member", "roi1-sex");
        assertThat(named.exitCode()).isNotZero();
        assertThat(named.err()).contains("noise.png").contains("quality gate");
        assertThat(out).doesNotExist();
    }

    @Test
    void preprocessSizeZeroKeepsTheCropSize() {
        Path out = work.resolve("keep.png");
        Run r = run("preprocess", dataset.resolve("images/1.png").toString(), "--out", out.toString(), "--size", "0",
                "--member", "whole");
        assertThat(r.exitCode()).isZero();
        GreyImage written = ImageDecoder.create().decode(out);
        assertThat(written.width()).isEqualTo(160);
        assertThat(written.height()).isEqualTo(200);
    }

    @Test
    void preprocessFailuresAreOneLineNamingTheInput() {
        Run missing = run("preprocess", work.resolve("nope.png").toString(), "--out", work.resolve("x.png").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(missing.err().strip()).contains("nope.png").doesNotContain("\n").doesNotContain("at io.github");

        Run noLandmarks = run("preprocess", dataset.resolve("images/0.png").toString(), "--out",
                work.resolve("x.png").toString(), "--roi", "roi1", "--model", bundle.toString());
        assertThat(noLandmarks.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(noLandmarks.err()).contains("roi1").contains("landmarks");

        Run verbose = run("preprocess", work.resolve("nope.png").toString(), "--out", work.resolve("x.png").toString(),
                "--verbose");
        assertThat(verbose.err()).contains("at io.github");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run("preprocess", "a.png", "--out", "b.png", "--roi", "roi9").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run("preprocess", "a.png").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run("no-such-command").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run("estimate", "a.png", "--format", "xml").exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void estimatePrintsJsonWithOneObjectPerImageAndReportsBadImages() throws IOException {
        Path folder = work.resolve("mixed");
        Files.createDirectories(folder);
        for (String id : List.of("0", "1", "2")) {
            Files.copy(dataset.resolve("images/" + id + ".png"), folder.resolve(id + ".png"));
        }
        Files.writeString(folder.resolve("broken.png"), "this is not a PNG");
        Run r = run("estimate", folder.toString(), "--model", bundle.toString(), "--format", "json", "--sex", "female");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.PARTIAL);
        JsonNode array = new ObjectMapper().readTree(r.out());
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(4);
        int ok = 0;
        for (JsonNode o : array) {
            assertThat(o.has("id")).isTrue();
            // Paths only with --report-paths.
            assertThat(o.has("file")).isFalse();
            if (o.get("id").asText().equals("broken")) {
                // Named by its id: the decoder's path is not shown without --report-paths.
                assertThat(o.get("error").asText()).startsWith("broken: ").doesNotContain(folder.toString());
            } else {
                ok++;
                assertThat(o.get("boneAgeMonths").isNumber()).isTrue();
                assertThat(Double.isFinite(o.get("boneAgeMonths").asDouble())).isTrue();
                assertThat(o.get("sex").asText()).isEqualTo("female");
                assertThat(o.get("roi").asText()).isEqualTo("whole");
                assertThat(o.get("model").asText()).isEqualTo("tiny-test-model");
                assertThat(o.has("error")).isFalse();
            }
        }
        assertThat(ok).isEqualTo(3);
        assertThat(r.err()).contains("boneage: broken: not an image");
    }

    @Test
    void estimateReportsAnEmptyFolderAndAFifoAmongGoodImages() throws Exception {
        Path empty = Files.createDirectories(work.resolve("empty-input"));
        Run none = run("estimate", empty.toString(), "--model", bundle.toString(), "--format", "json");
        assertThat(none.exitCode()).as(none.err()).isEqualTo(ExitCode.PARTIAL);
        JsonNode rows = new ObjectMapper().readTree(none.out());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("error").asText()).contains("empty-input").contains("no PNG, JPEG or DICOM images");
        assertThat(none.err()).contains("empty-input");

        Path folder = Files.createDirectories(work.resolve("with-fifo"));
        Files.copy(dataset.resolve("images/0.png"), folder.resolve("0.png"));
        Path fifo = folder.resolve("pipe.png");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0,
                "mkfifo is not available");
        // Given by name too: the decoder refuses it before opening it, so this cannot hang.
        Run r = run("estimate", folder.toString(), fifo.toString(), "--model", bundle.toString(), "--format", "json",
                "--no-quality-gate");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.PARTIAL);
        JsonNode array = new ObjectMapper().readTree(r.out());
        assertThat(array).hasSize(3);
        long estimated = 0;
        for (JsonNode o : array) {
            if (o.has("error")) {
                // The walk names the entry by its file name, the pipeline by its id.
                assertThat(o.get("error").asText()).startsWith("pipe").contains("not a regular file");
            } else {
                estimated++;
            }
        }
        assertThat(estimated).isEqualTo(1);
    }

    @Test
    void estimateTableAndCsvAgreeWithJson() throws IOException {
        String image = dataset.resolve("images/2.png").toString();
        Run json = run("estimate", image, "--model", bundle.toString(), "--format", "json");
        Run csv = run("estimate", image, "--model", bundle.toString(), "--format", "csv");
        Run table = run("estimate", image, "--model", bundle.toString());
        assertThat(json.exitCode()).isZero();
        assertThat(csv.exitCode()).isZero();
        assertThat(table.exitCode()).isZero();
        double months = new ObjectMapper().readTree(json.out()).get(0).get("boneAgeMonths").asDouble();
        String[] row = csv.out().lines().skip(1).findFirst().orElseThrow().split(",");
        assertThat(Double.parseDouble(row[2])).isCloseTo(months, org.assertj.core.data.Offset.offset(0.006));
        assertThat(table.out()).contains("years").contains("tiny-test-model");
    }

    @Test
    void estimateWithoutAnyModelSaysSo() {
        Run r = run("estimate", dataset.resolve("images/0.png").toString(), "--model", work.resolve("absent").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.err()).contains("absent");
    }
}
