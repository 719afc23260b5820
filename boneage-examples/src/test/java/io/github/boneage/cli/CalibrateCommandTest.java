package io.github.boneage.cli;

import static io.github.boneage.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.boneage.cli.CliTest.Run;
import io.github.boneage.clinical.uncertainty.UncertaintyCalibration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code boneage calibrate} on a tiny generated bundle: a 32-pixel small CNN trained on 4 of 16 synthetic hands, so that
 * 12 images played no part in its training.
 */
class CalibrateCommandTest {

    @TempDir
    static Path work;
    static Path dataset;
    static Path bundle;
    static Path untouched;
    static List<String> trained;

    @BeforeAll
    static void trainATinyBundle() throws IOException {
        dataset = work.resolve("synth");
        assertThat(run("synth", "--out", dataset.toString(), "--count", "16", "--seed", "7", "--size", "96x120").exitCode()).isZero();
        bundle = work.resolve("model");
        Run r = run("train", "--images", images(), "--labels", labels(), "--out", bundle.toString(), "--backbone", "small-cnn",
                "--size", "32", "--epochs", "1", "--batch", "4", "--val-fraction", "0.25", "--train-limit", "4");
        assertThat(r.exitCode()).as(r.err()).isZero();
        trained = Files.readAllLines(bundle.resolve("training-ids.txt"));
        assertThat(trained).hasSize(4);
        Set<String> rest = new TreeSet<>();
        try (var files = Files.list(dataset.resolve("images"))) {
            files.map(f -> f.getFileName().toString().replaceFirst("\\.png$", "")).filter(id -> !trained.contains(id))
                    .forEach(rest::add);
        }
        assertThat(rest).hasSize(12);
        untouched = work.resolve("untouched.txt");
        Files.write(untouched, rest);
    }

    private static String images() {
        return dataset.resolve("images").toString();
    }

    private static String labels() {
        return dataset.resolve("boneage-training-dataset.csv").toString();
    }

    @Test
    void fitsOnHalfChecksOnTheOtherHalfAndWritesIntoACopy() throws IOException {
        Path out = work.resolve("calibrated");
        Path predictions = work.resolve("tta").resolve("predictions.csv");
        Run r = run("calibrate", bundle.toString(), "--images", images(), "--labels", labels(), "--ids", untouched.toString(),
                "--out", out.toString(), "--coverages", "0.5,0.8", "--predictions", predictions.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("fitted on 6 images, checked on 6").contains("| 0.80 |").contains("the image alone");
        // One row per image, each half six; the checking half's TTA MAD is the one printed.
        List<String> rows = Files.readAllLines(predictions);
        assertThat(rows.get(0)).isEqualTo("id,sex,true,unaugmented,tta,spread,half");
        assertThat(rows.subList(1, rows.size())).hasSize(12).filteredOn(l -> l.endsWith(",check")).hasSize(6);
        double checkMad = rows.subList(1, rows.size()).stream().filter(l -> l.endsWith(",check")).map(l -> l.split(","))
                .mapToDouble(f -> Math.abs(Double.parseDouble(f[4]) - Double.parseDouble(f[2]))).average().orElseThrow();
        java.util.regex.Matcher printed = java.util.regex.Pattern.compile("TTA MAD ([0-9.]+) months").matcher(r.out());
        assertThat(printed.find()).isTrue();
        assertThat(checkMad).isCloseTo(Double.parseDouble(printed.group(1)), org.assertj.core.api.Assertions.within(0.006));
        Path file = out.resolve(UncertaintyCalibration.BUNDLE_FILE_NAME);
        UncertaintyCalibration c = UncertaintyCalibration.read(file);
        assertThat(c.n()).isEqualTo(6);
        assertThat(c.evaluation().n()).isEqualTo(6);
        assertThat(c.levels()).hasSize(2);
        assertThat(c.data()).contains("untouched.txt").contains("boneage").contains("DJL");
        assertThat(c.createdAt()).isNotBlank();
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("boneage-model.json").toFile());
        assertThat(c.model().digest()).isEqualTo(manifest.get("weights").get(0).get("sha256").asText());
        // A wider target coverage never gets a narrower interval.
        assertThat(c.levels().get(1).q()).isGreaterThanOrEqualTo(c.levels().get(0).q());
        // The original bundle is left as it was.
        assertThat(bundle.resolve(UncertaintyCalibration.BUNDLE_FILE_NAME)).doesNotExist();
        // The copy loads as a bundle with its calibration: estimate reports an interval.
        Run estimate = run("estimate", "--model", out.toString(), dataset.resolve("images").resolve(trained.get(0) + ".png").toString());
        assertThat(estimate.exitCode()).as(estimate.err()).isZero();
    }

    @Test
    void calibratesAnEnsembleWhoseMembersTrainingImagesAreRefusedAndEstimateGivesItsInterval() throws IOException {
        Path ensemble = work.resolve("ensemble");
        for (String member : List.of("a", "b")) {
            CliTest.copyFiles(bundle, ensemble.resolve(member));
        }
        Files.writeString(ensemble.resolve("boneage-ensemble.json"), "{\"format\": \"boneage-ensemble/1\", \"name\": \"pair\", "
                + "\"members\": [{\"bundle\": \"a\", \"weight\": 1}, {\"bundle\": \"b\", \"weight\": 2}]}");
        Run refused = run("calibrate", ensemble.toString(), "--images", images(), "--labels", labels(), "--out",
                work.resolve("never-ensemble").toString());
        assertThat(refused.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(refused.err()).contains("4 of the 16 images were trained on");

        Path out = work.resolve("ensemble-calibrated");
        Run r = run("calibrate", ensemble.toString(), "--images", images(), "--labels", labels(), "--ids", untouched.toString(),
                "--out", out.toString(), "--coverages", "0.5,0.8");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("calibrating pair").contains("fitted on 6 images, checked on 6");
        assertThat(out.resolve("a").resolve("boneage-model.json")).isRegularFile();
        assertThat(out.resolve(UncertaintyCalibration.BUNDLE_FILE_NAME)).isRegularFile();
        Run estimate = run("estimate", "--model", out.toString(), "--uncertainty", "--coverage", "0.8", "--format", "json",
                dataset.resolve("images").resolve(trained.get(0) + ".png").toString());
        assertThat(estimate.exitCode()).as(estimate.err()).isZero();
        assertThat(estimate.out()).contains("interval");
    }

    @Test
    void imagesTheModelWasTrainedOnAreRefused() throws IOException {
        Run all = run("calibrate", bundle.toString(), "--images", images(), "--labels", labels(), "--out",
                work.resolve("never").toString());
        assertThat(all.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(all.err()).contains("4 of the 16 images were trained on").contains("training-ids.txt").contains(trained.get(0));

        // A bundle that records only its held-out ids: images sharing ids with that list come from its data set, so
        // every image outside the list was trained on.
        Path heldOutOnly = work.resolve("held-out-only");
        CliTest.copyFiles(bundle, heldOutOnly);
        Files.delete(heldOutOnly.resolve("training-ids.txt"));
        List<String> listed = new ArrayList<>(Files.readAllLines(untouched));
        Files.write(heldOutOnly.resolve("held-out-ids.txt"), listed);
        Run mixed = run("calibrate", heldOutOnly.toString(), "--images", images(), "--labels", labels(), "--out",
                work.resolve("never").toString());
        assertThat(mixed.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(mixed.err()).contains("4 of the 16 images were trained on").contains("not held out in it");
        Run ok = run("calibrate", heldOutOnly.toString(), "--images", images(), "--labels", labels(), "--ids",
                heldOutOnly.resolve("held-out-ids.txt").toString(), "--limit", "8", "--coverages", "0.5,0.8");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(work.resolve("held-out-only" + CalibrateCommand.OUT_SUFFIX).resolve(UncertaintyCalibration.BUNDLE_FILE_NAME))
                .isRegularFile();
        assertThat(work.resolve("never")).doesNotExist();
    }

    @Test
    void aBrokenImageIsSkippedAndReported() throws IOException {
        Path data = work.resolve("broken");
        CliTest.copyDataset(dataset, data);
        String bad = Files.readAllLines(untouched).get(0);
        Files.write(data.resolve("images").resolve(bad + ".png"), new byte[] {1, 2, 3});
        Run r = run("calibrate", bundle.toString(), "--images", data.resolve("images").toString(), "--labels",
                data.resolve("boneage-training-dataset.csv").toString(), "--ids", untouched.toString(), "--out",
                work.resolve("broken-calibrated").toString(), "--coverages", "0.5,0.8");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.PARTIAL);
        assertThat(r.err()).contains("skipped " + bad).doesNotContain("at io.github");
        assertThat(UncertaintyCalibration.read(work.resolve("broken-calibrated").resolve(UncertaintyCalibration.BUNDLE_FILE_NAME))
                .n()).isEqualTo(5);
    }

    @Test
    void usageErrorsExitWithTwo() throws IOException {
        Path never = work.resolve("never-usage");
        assertThat(run("calibrate", bundle.toString(), "--images", images(), "--labels", labels(), "--ids", untouched.toString(),
                "--coverages", "0.9,1.5", "--out", never.toString()).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run("calibrate", bundle.toString(), "--images", images(), "--labels", labels(), "--ids", untouched.toString(),
                "--method", "wide", "--out", never.toString()).exitCode()).isEqualTo(ExitCode.USAGE);
        Run notBundle = run("calibrate", dataset.toString(), "--images", images(), "--labels", labels(), "--out", never.toString());
        assertThat(notBundle.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(notBundle.err()).contains("model bundle folder");
        Run tooFew = run("calibrate", bundle.toString(), "--images", images(), "--labels", labels(), "--ids", untouched.toString(),
                "--out", never.toString());
        assertThat(tooFew.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(tooFew.err()).contains("at least 19 fitting images, so at least 38 labelled images").contains("got 12");
        Files.createDirectories(never.resolve("x"));
        Run notEmpty = run("calibrate", bundle.toString(), "--images", images(), "--labels", labels(), "--ids",
                untouched.toString(), "--out", never.toString());
        assertThat(notEmpty.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(notEmpty.err()).contains("not empty");
    }
}
