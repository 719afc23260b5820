package io.github.boneage.cli;

import static io.github.boneage.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.cli.CliTest.Run;
import io.github.boneage.core.EnsembleEstimator;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.djl.EnsembleBundle;
import io.github.boneage.djl.ModelBundleWriter;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code boneage ensemble} on a synthetic RSNA-format set with two tiny ONNX members (whole image and ROI1). */
class EnsembleCommandTest {

    @TempDir
    static Path work;

    static Path dataset;
    static Path whole;
    static Path roi1;
    static Path ids;

    @BeforeAll
    static void makeDataAndModels() throws IOException {
        dataset = work.resolve("synth");
        assertThat(run("synth", "--out", dataset.toString(), "--count", "12", "--seed", "5", "--size", "256x320").exitCode()).isZero();
        Path weights = work.resolve("resnet_tiny.onnx");
        try (InputStream in = EnsembleCommandTest.class.getResourceAsStream("/fixtures/resnet_tiny.onnx")) {
            Files.copy(in, weights, StandardCopyOption.REPLACE_EXISTING);
        }
        whole = bundle(weights, RoiScheme.WHOLE, "whole");
        roi1 = bundle(weights, RoiScheme.ROI1, "roi1");
        List<String> lines = Files.readAllLines(dataset.resolve("boneage-training-dataset.csv"));
        ids = work.resolve("ids.txt");
        Files.write(ids, lines.subList(1, lines.size()).stream().map(l -> l.substring(0, l.indexOf(','))).toList());
    }

    private static Path bundle(Path weights, RoiScheme roi, String folder) {
        PreprocessSpec spec = new PreprocessSpec(roi, EqualizerSpec.histeq(), 32, 3, new double[] {0.5, 0.5, 0.5},
                new double[] {0.25, 0.25, 0.25});
        return ModelBundleWriter.builder().setName("tiny-" + folder).setArchitecture("resnet_tiny").setFormat(ModelFormat.ONNX)
                .setPreprocessing(spec).addWeights(NetworkRole.AGNOSTIC, weights).optOutput(OutputSpec.regression(24, 100))
                .build().writeFolder(work.resolve(folder));
    }

    private static double figure(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("'%s' in %s", regex, text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void fitsWeightsWritesALoadableBundleAndEvaluateReproducesItsMad() throws IOException {
        Path out = work.resolve("ensemble");
        Run r = run("ensemble", "--member", "whole=" + whole, "--member", "roi1=" + roi1, "--images",
                dataset.resolve("images").toString(), "--labels", dataset.resolve("boneage-training-dataset.csv").toString(),
                "--ids", ids.toString(), "--name", "tiny-ensemble", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("member whole: MAD").contains("member roi1: MAD");
        // The ROI1 member must have run on some images for the test to mean anything.
        assertThat(figure(r.out(), "reference points located on ([0-9]+)")).isGreaterThan(0);
        double fitted = figure(r.out(), "ensemble on 12 images: MAD ([0-9.]+) months");

        EnsembleBundle.Description d = EnsembleBundle.read(out);
        assertThat(d.name()).isEqualTo("tiny-ensemble");
        assertThat(d.members()).extracting(m -> m.folder().getFileName().toString()).containsExactly("whole", "roi1");
        assertThat(d.members().stream().mapToDouble(EnsembleBundle.MemberEntry::weight).sum()).isCloseTo(1.0, within(1e-9));
        assertThat(d.provenance().trainerSettings().get("command")).startsWith("boneage ensemble --member whole=");
        try (EnsembleEstimator e = EnsembleBundle.open(out)) {
            assertThat(e.members()).hasSize(2);
        }
        // The ensemble estimator, fed the same automatic points (evaluate detects them for an ensemble by default), gives
        // the MAD the weights were fitted to.
        Run evaluated = run("evaluate", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--model", out.toString());
        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        assertThat(figure(evaluated.out(), "MAD=([0-9.]+)")).isCloseTo(fitted, within(0.011));
    }

    /**
     * Labels made from the member's own estimates by a known line per sex (boys 12 + 0.9 x estimate, girls estimate - 6):
     * {@code --correct} must find those lines, write them, and the corrected ensemble must then read the labels back.
     * Both members are the same network, so the fitted weights cannot change the estimate the lines were drawn on (the
     * estimates are read back from a CSV with 3 decimals, so the fit is exact to about 0.001 months).
     */
    @Test
    void correctFitsAStraightLinePerSexThatTheBundleThenApplies() throws IOException {
        Path data = work.resolve("synth-48");
        assertThat(run("synth", "--out", data.toString(), "--count", "48", "--seed", "9", "--size", "256x320").exitCode()).isZero();
        Path predictions = work.resolve("whole-predictions.csv");
        Run evaluated = run("evaluate", data.resolve("images").toString(), "--labels",
                data.resolve("boneage-training-dataset.csv").toString(), "--model", whole.toString(), "--predictions",
                predictions.toString());
        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        List<String> labels = new ArrayList<>(List.of("id,boneage,male"));
        List<String> idLines = new ArrayList<>();
        int boys = 0;
        for (String line : Files.readAllLines(predictions).subList(1, 49)) {
            String[] f = line.split(",");
            boolean male = f[1].equals("male");
            boys += male ? 1 : 0;
            double estimate = Double.parseDouble(f[3]);
            labels.add(f[0] + "," + (male ? 12 + 0.9 * estimate : estimate - 6) + "," + (male ? "True" : "False"));
            idLines.add(f[0]);
        }
        assertThat(boys).as("both sexes need %d images", 20).isBetween(20, 28);
        Path lines = work.resolve("line-labels.csv");
        Files.write(lines, labels);
        Path lineIds = work.resolve("line-ids.txt");
        Files.write(lineIds, idLines);
        Path out = work.resolve("corrected");
        Run r = run("ensemble", "--member", "a=" + whole, "--member", "b=" + whole, "--images", data.resolve("images").toString(),
                "--labels", lines.toString(), "--ids", lineIds.toString(), "--correct", "--name", "corrected", "--out",
                out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("correction for male patients (" + boys + " images): estimate +12.00 months + 0.9000 x")
                .contains("correction for female patients (" + (48 - boys) + " images): estimate -6.00 months + 1.0000 x")
                .contains("ensemble on 48 images with the correction: MAD 0.00 months");
        EnsembleBundle.Description d = EnsembleBundle.read(out);
        assertThat(d.corrections().get(io.github.boneage.core.Sex.MALE).slope()).isEqualTo(0.9);
        assertThat(d.corrections().get(io.github.boneage.core.Sex.FEMALE).intercept()).isCloseTo(-6, within(0.01));
        assertThat(d.provenance().validationMetrics().get("madCorrected")).isCloseTo(0, within(0.01));
        Run check = run("evaluate", data.resolve("images").toString(), "--labels", lines.toString(), "--model", out.toString());
        assertThat(check.exitCode()).as(check.err()).isZero();
        assertThat(figure(check.out(), "MAD=([0-9.]+)")).isCloseTo(0, within(0.011));

        // --equal-weights: nothing fitted; the ensemble says so and keeps 1/n each.
        Path equal = work.resolve("equal");
        Run same = run("ensemble", "--member", "whole=" + whole, "--member", "roi1=" + roi1, "--images",
                dataset.resolve("images").toString(), "--labels", dataset.resolve("boneage-training-dataset.csv").toString(),
                "--ids", ids.toString(), "--equal-weights", "--name", "equal", "--out", equal.toString());
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.out()).contains("--equal-weights: the ensemble keeps equal weights");
        EnsembleBundle.Description equalDescription = EnsembleBundle.read(equal);
        assertThat(equalDescription.members()).extracting(EnsembleBundle.MemberEntry::weight).containsExactly(0.5, 0.5);
        assertThat(equalDescription.provenance().trainerSettings().get("weightGridStep")).isEqualTo("none: --equal-weights");

        // Twelve images hold too few of either sex: the bundle is written without a correction, and says why.
        Path few = work.resolve("too-few");
        Run tooFew = run("ensemble", "--member", "whole=" + whole, "--member", "roi1=" + roi1, "--images",
                dataset.resolve("images").toString(), "--labels", dataset.resolve("boneage-training-dataset.csv").toString(),
                "--ids", ids.toString(), "--correct", "--name", "few", "--out", few.toString());
        assertThat(tooFew.exitCode()).as(tooFew.err()).isZero();
        assertThat(tooFew.out()).contains("no correction for male patients").contains("a fit needs 20");
        assertThat(EnsembleBundle.read(few).corrections()).isEmpty();
    }

    @Test
    void badMembersAreUsageErrors() {
        String images = dataset.resolve("images").toString();
        String labels = dataset.resolve("boneage-training-dataset.csv").toString();
        assertThat(run("ensemble", "--member", "whole=" + whole, "--images", images, "--labels", labels, "--ids", ids.toString(),
                "--name", "x", "--out", work.resolve("one").toString()).exitCode()).isEqualTo(2);
        Run notABundle = run("ensemble", "--member", "whole=" + whole, "--member", "b=" + work, "--images", images, "--labels",
                labels, "--ids", ids.toString(), "--name", "x", "--out", work.resolve("nb").toString());
        assertThat(notABundle.exitCode()).isEqualTo(2);
        assertThat(notABundle.err()).contains("not a model bundle folder");
        Run onlyRegions = run("ensemble", "--member", "a=" + roi1, "--member", "b=" + roi1, "--images", images, "--labels",
                labels, "--ids", ids.toString(), "--name", "x", "--out", work.resolve("regions").toString());
        assertThat(onlyRegions.exitCode()).isEqualTo(2);
        assertThat(onlyRegions.err()).contains("no member reads the whole image");
        List<String> seven = new ArrayList<>(List.of("ensemble"));
        for (int k = 0; k <= EnsembleCommand.MAX_MEMBERS; k++) {
            seven.addAll(List.of("--member", "m" + k + "=" + whole));
        }
        seven.addAll(List.of("--images", images, "--labels", labels, "--ids", ids.toString(), "--name", "x", "--out",
                work.resolve("seven").toString()));
        Run tooMany = run(seven.toArray(String[]::new));
        assertThat(tooMany.exitCode()).isEqualTo(2);
        assertThat(tooMany.err()).contains("give two to 6 --member options, got 7");
    }

    @Test
    void theWeightGridCoversTheSimplexWithEveryMemberPresent() {
        assertThat(EnsembleCommand.grid(2)).hasSize(19).allSatisfy(w -> {
            assertThat(w[0] + w[1]).isCloseTo(1.0, within(1e-12));
            assertThat(w[0]).isGreaterThan(0);
        });
        assertThat(EnsembleCommand.grid(3)).hasSize(171);
        // C(19, 5): six members, each at least one step of 0.05.
        assertThat(EnsembleCommand.grid(EnsembleCommand.MAX_MEMBERS)).hasSize(11_628);
        // An image one member did not read counts by the others alone.
        double mad = EnsembleCommand.mad(new double[] {0.5, 0.5}, List.of("a", "b"),
                List.of(Map.of("a", 10.0, "b", 20.0), Map.of("a", 30.0)), Map.of("a", 20.0, "b", 20.0));
        assertThat(mad).isEqualTo(0.0);
    }
}
