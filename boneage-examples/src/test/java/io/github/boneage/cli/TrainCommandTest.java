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
import java.util.Set;
import javax.imageio.ImageIO;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.testing.SharedData;
import io.github.boneage.djl.train.Augmentation;
import io.github.boneage.djl.train.LossFunction;
import io.github.boneage.djl.train.TrainingSettings;
import io.github.boneage.djl.train.net.BoneAgeNetwork;
import io.github.boneage.djl.train.optim.LearningRateSchedule;
import io.github.boneage.djl.train.optim.OptimizerSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import picocli.CommandLine;
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
        Run r = run(train(dataset, bundle, "--progress", "--mirror", "0.5"));
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
        assertThat(manifest.get("provenance").get("trainerSettings").get("augmentation").asText()).contains("flipProbability=0.5");

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
        CliTest.copyDataset(dataset, data);
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
        assertThat(run(train(dataset, bundle, "--mirror", "1.5")).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run(train(dataset, bundle, "--mirror", "0.5", "--no-augment")).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run("train", "--images", dataset.toString()).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bundle).doesNotExist();
    }

    @Test
    void fineTunesTheShippedDefaultModelWhenNoBackboneIsGiven() throws IOException {
        Path bundle = work.resolve("fine-tuned-default");
        Run r = run("train", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--out", bundle.toString(), "--epochs", "1",
                "--batch", "4", "--val-fraction", "0.25");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("fine-tuning boneage-mobilenetv2-160-full").contains("held-out-ids.txt");
        // The shipped bundle predates validation-ids.txt, but its held-out list covers its validation images: no warning.
        assertThat(r.err()).doesNotContain("warning");
        JsonNode manifest = new ObjectMapper().readTree(bundle.resolve("boneage-model.json").toFile());
        JsonNode shipped = new ObjectMapper().readTree(Path.of("..", "models", "default-pytorch", "boneage-model.json").toFile());
        assertThat(manifest.get("name").asText()).isEqualTo("boneage-mobilenetv2-160-full-fine-tuned");
        // The shipped network, input, sex handling and target scaling, not a from-scratch ResNet-18.
        assertThat(manifest.get("preprocessing")).isEqualTo(shipped.get("preprocessing"));
        assertThat(manifest.get("sexHandling")).isEqualTo(shipped.get("sexHandling"));
        assertThat(manifest.get("output")).isEqualTo(shipped.get("output"));
        assertThat(manifest.get("block").get("arguments")).isEqualTo(shipped.get("block").get("arguments"));
        JsonNode trainer = manifest.get("provenance").get("trainerSettings");
        assertThat(trainer.get("backboneSource").asText()).isEqualTo("bundle");
        assertThat(trainer.get("startedFrom").asText()).contains("boneage-mobilenetv2-160-full").contains("679611f9c01e");
        assertThat(trainer.get("baseLearningRate").asDouble()).isEqualTo(TrainCommand.FINE_TUNE_LR);
        assertThat(bundle.resolve("held-out-ids.txt")).hasSameTextualContentAs(Path.of("..", "models", "default", "held-out-ids.txt"));
        assertThat(Files.readAllLines(bundle.resolve("training-ids.txt"))).hasSize(12);
        // The weights were trained (a bundle merely copied would keep the shipped digest).
        assertThat(manifest.get("weights").get(0).get("sha256").asText())
                .isNotEqualTo(shipped.get("weights").get(0).get("sha256").asText());
    }

    @Test
    void fineTunesAMemberOfModelV2OnceImported() throws IOException {
        Run onnx = run("train", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--out", work.resolve("from-onnx").toString(),
                "--from", "../models/v2/whole-sex");
        assertThat(onnx.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(onnx.err()).contains("--from ../models/v2/whole-sex is an ONNX bundle, which cannot be trained; make a"
                + " trainable copy first: boneage export --format djl-params ../models/v2/whole-sex --out DIR --role male|female");
        Path imported = work.resolve("v2-whole-djl");
        assertThat(run("export", "--format", "djl-params", "../models/v2/whole", "--out", imported.toString()).exitCode()).isZero();
        Path bundle = work.resolve("v2-whole-fine-tuned");
        Run r = run("train", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--out", bundle.toString(), "--from",
                imported.toString(), "--epochs", "1", "--batch", "4", "--val-fraction", "0.25");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode manifest = new ObjectMapper().readTree(bundle.resolve("boneage-model.json").toFile());
        JsonNode start = new ObjectMapper().readTree(imported.resolve("boneage-model.json").toFile());
        assertThat(manifest.get("preprocessing").get("size").asInt()).isEqualTo(352);
        assertThat(manifest.get("output")).isEqualTo(start.get("output"));
        assertThat(manifest.get("provenance").get("trainerSettings").get("startedFrom").asText())
                .contains("boneage-v7-whole-352-djl");
        assertThat(manifest.get("weights").get(0).get("sha256").asText())
                .isNotEqualTo(start.get("weights").get(0).get("sha256").asText());
    }

    @Test
    void theStartingBundlesHeldOutIdsAreNeverTrainedOnNorValidatedOn() throws IOException {
        Path start = work.resolve("start");
        Run first = run(train(dataset, start));
        assertThat(first.exitCode()).as(first.err()).isZero();
        List<String> heldOut = List.of("1", "2", "3", "4");
        Files.write(start.resolve("held-out-ids.txt"), heldOut);
        Path bundle = work.resolve("from-start");
        Run r = run("train", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--out", bundle.toString(), "--from", start.toString(),
                "--epochs", "1", "--batch", "4", "--val-fraction", "0.25");
        assertThat(r.exitCode()).as(r.err()).isZero();
        long present = heldOut.stream().filter(id -> Files.exists(dataset.resolve("images").resolve(id + ".png"))).count();
        assertThat(r.out()).contains(present + " of 16 images are in");
        List<String> trained = Files.readAllLines(bundle.resolve("training-ids.txt"));
        List<String> validated = Files.readAllLines(bundle.resolve("validation-predictions.csv")).stream().skip(1)
                .map(l -> l.split(",")[0]).toList();
        assertThat(trained).doesNotContainAnyElementsOf(heldOut);
        assertThat(validated).doesNotContainAnyElementsOf(heldOut);
        assertThat(trained.size() + validated.size()).isEqualTo(16 - (int) present);
        JsonNode manifest = new ObjectMapper().readTree(bundle.resolve("boneage-model.json").toFile());
        assertThat(manifest.get("provenance").get("split").asText()).contains("held-out-ids.txt left out");
        assertThat(manifest.get("preprocessing").get("size").asInt()).isEqualTo(32);
        assertThat(bundle.resolve("held-out-ids.txt")).isRegularFile();

        Run size = run("train", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--out", work.resolve("never2").toString(), "--from",
                start.toString(), "--size", "64");
        assertThat(size.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(size.err()).contains("--size 64 (the bundle's: 32; only a TorchScript backbone can change it)");
        Run both = run(train(dataset, work.resolve("never2"), "--from", start.toString()));
        assertThat(both.exitCode()).isEqualTo(ExitCode.USAGE);
        Run notBundle = run("train", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--out", work.resolve("never2").toString(), "--from",
                dataset.toString());
        assertThat(notBundle.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(notBundle.err()).contains("not a model bundle");
        assertThat(work.resolve("never2")).doesNotExist();
    }

    /**
     * Fine-tuning with other labels (e.g. one sex's, as a sex-specific network is made) or another seed draws a new
     * split; the images the starting bundle was validated on must still never be trained on, or a figure measured on
     * them later is a figure on training images.
     */
    @Test
    void imagesTheStartingBundleHeldBackAreNeverTrainedOnWhenTheNewSplitFallsElsewhere() throws IOException {
        Path start = work.resolve("held-back-start");
        Run first = run(train(dataset, start));
        assertThat(first.exitCode()).as(first.err()).isZero();
        Set<String> heldBack = DatasetSplit.readIds(start.resolve(TrainCommand.VALIDATION_IDS_FILE));
        List<String> validated = Files.readAllLines(start.resolve("validation-predictions.csv")).stream().skip(1)
                .map(l -> l.split(",")[0]).toList();
        assertThat(heldBack).hasSize(4).containsExactlyInAnyOrderElementsOf(validated)
                .doesNotContainAnyElementsOf(Files.readAllLines(start.resolve("training-ids.txt")));

        // Another seed and a validation side of 10%: at most 2 of the 16 images are validated on, so at least 2 of the 4
        // held back fall on the new split's training side and must be moved.
        Path fineTuned = work.resolve("held-back-tuned");
        Run r = run("train", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--out", fineTuned.toString(), "--from",
                start.toString(), "--epochs", "1", "--batch", "4", "--val-fraction", "0.1", "--seed", "11");
        assertThat(r.exitCode()).as(r.err()).isZero();
        java.util.regex.Matcher moved = java.util.regex.Pattern.compile("(\\d+) of the images the split would train on are in "
                + "boneage-small-cnn's " + TrainCommand.VALIDATION_IDS_FILE).matcher(r.out());
        assertThat(moved.find()).as(r.out()).isTrue();
        assertThat(Integer.parseInt(moved.group(1))).as(r.out()).isGreaterThanOrEqualTo(2);
        List<String> trained = Files.readAllLines(fineTuned.resolve("training-ids.txt"));
        assertThat(trained).isNotEmpty().doesNotContainAnyElementsOf(heldBack);
        assertThat(DatasetSplit.readIds(fineTuned.resolve(TrainCommand.VALIDATION_IDS_FILE))).containsAll(heldBack);
        JsonNode manifest = new ObjectMapper().readTree(fineTuned.resolve("boneage-model.json").toFile());
        assertThat(manifest.get("provenance").get("split").asText()).contains(TrainCommand.VALIDATION_IDS_FILE + " kept out of training");
    }

    @Test
    void aBundleWithoutTheListOfImagesItHeldBackIsFineTunedWithAWarning() throws IOException {
        Path start = work.resolve("no-list-start");
        assertThat(run(train(dataset, start)).exitCode()).isZero();
        Files.delete(start.resolve(TrainCommand.VALIDATION_IDS_FILE));
        Run r = run("train", "--images", dataset.resolve("images").toString(), "--labels",
                dataset.resolve("boneage-training-dataset.csv").toString(), "--out", work.resolve("no-list-tuned").toString(),
                "--from", start.toString(), "--epochs", "1", "--batch", "4", "--val-fraction", "0.25");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning").contains("has neither " + TrainCommand.VALIDATION_IDS_FILE);
    }

    @Test
    void splitOnlyWritesTheIdListsAndStops() throws IOException {
        Path bundle = work.resolve("split");
        Run r = run(train(dataset, bundle, "--split-only"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readAllLines(work.resolve("split" + TrainCommand.TRAIN_IDS_SUFFIX))).hasSize(12);
        assertThat(Files.readAllLines(work.resolve("split" + TrainCommand.VALIDATION_IDS_SUFFIX))).hasSize(4);
        assertThat(bundle).doesNotExist();
    }

    /** The options of docs/default-model.md's "Reproducing it" command, which made the shipped model's bundle. */
    static final List<String> REPRODUCTION = List.of("--backbone", "mobilenetv2-imagenet-int8-traincal160.pt", "--backbone-name",
            "mobilenetv2-imagenet-int8", "--val-limit", "500", "--loader-threads", "0", "--train-seed", "42", "--name",
            "boneage-mobilenetv2-160-full");

    @Test
    void theReproductionCommandGivesTheShippedModelsTrainerSettings() {
        TrainCommand command = new TrainCommand();
        List<String> args = new ArrayList<>(List.of("--images", "images", "--labels", "labels.csv", "--out", "run/bundle"));
        args.addAll(REPRODUCTION);
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        // What TrainRsnaModel built for the shipped model (docs/default-model.md): 8,500 training images, batch 32.
        TrainingSettings shipped = TrainingSettings.builder()
                .optBatchSize(32)
                .optEpochs(8)
                .optBaseLearningRate(1e-3)
                .optOptimizer(OptimizerSpec.adamW(1e-4))
                .optSchedule(LearningRateSchedule.cosine(0.01).withWarmup(100))
                .optLoss(LossFunction.L1)
                .optAugmentation(Augmentation.standard())
                .optEarlyStoppingPatience(0)
                .optLoaderThreads(0)
                .optBackboneLearningRateFactor(1.0)
                .optSeed(42)
                .build();
        assertThat(command.settings(false, false, 8500)).isEqualTo(shipped);
        assertThat(command.equalizer).isNull();
        assertThat(command.size).isNull();
    }

    @Test
    @Tag("data")
    void theReproductionSplitIsTheShippedModelsHeldOutList() throws IOException {
        Path data = SharedData.require("data/rsna-299");
        Path bundle = work.resolve("reproduction-split");
        // Step 1 of docs/default-model.md's "Reproducing it".
        List<String> args = List.of("train", "--images", data.resolve("images").toString(), "--labels",
                data.resolve("boneage-training-dataset.csv").toString(), "--out", bundle.toString(), "--backbone", "mobilenetv2",
                "--split-only");
        Run r = run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path heldOut = Path.of("..", "models", "default", "held-out-ids.txt");
        assertThat(DatasetSplit.readIds(work.resolve("reproduction-split" + TrainCommand.VALIDATION_IDS_SUFFIX)))
                .isEqualTo(DatasetSplit.readIds(heldOut));
        assertThat(Files.readAllLines(work.resolve("reproduction-split" + TrainCommand.TRAIN_IDS_SUFFIX))).hasSize(8500);
    }

    /**
     * The launcher starts the training commands with the malloc settings the trainer documents and checks for
     * (docs/benchmarks.md#training), and no other command: they keep freed memory until exit.
     */
    @Test
    void theLauncherStartsTrainingCommandsWithTheTrainersMallocSettings() throws IOException {
        String launcher = Files.readString(Path.of("..", "boneage"));
        String assignment = "GLIBC_TUNABLES=\"${GLIBC_TUNABLES:-"
                + BoneAgeNetwork.TRAINING_MALLOC_TUNABLES + "}\"";
        assertThat(launcher).contains(assignment);
        int caseStart = launcher.lastIndexOf("case", launcher.indexOf(assignment));
        assertThat(launcher.substring(caseStart, launcher.indexOf(assignment)))
                .contains("train|experiment|landmarks)").doesNotContain("estimate").doesNotContain("evaluate");
        assertThat(BoneAgeNetwork.TRAINING_MALLOC_TUNABLES).contains("glibc.malloc.arena_max=1");
    }
}
