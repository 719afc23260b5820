package io.github.boneage.benchmarks.train;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.djl.landmarks.LandmarkBundle;
import io.github.boneage.djl.train.landmarks.KoitkaLandmarks;
import io.github.boneage.djl.train.landmarks.LandmarkExample;
import io.github.boneage.djl.train.landmarks.LandmarkTrainer;
import io.github.boneage.djl.train.landmarks.LandmarkTrainingSettings;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains the shipped learned landmark model: the 128 tune images of the Koitka split (never the 64 held-out ones)
 * plus synthetic hands, written as a bundle.
 *
 * <pre>
 * java -Dai.djl.pytorch.num_threads=1 -cp ... io.github.boneage.benchmarks.train.TrainLandmarkModel SHARED OUT [STEPS] [SYNTHETIC]
 *     [FULL_ROTATION_FRACTION] [LEARNING_RATE]
 * </pre>
 * Rerunning with the same arguments resumes from the last checkpoint in OUT.
 */
public final class TrainLandmarkModel {

    private TrainLandmarkModel() {
    }

    /**
     * @param args shared data folder, output bundle folder, optional step count (default 2000), synthetic hand count
     *             (default 300), share of examples rotated by any angle (default 0.15), peak learning rate (default
     *             2e-3)
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TrainLandmarkModel SHARED OUT [STEPS] [SYNTHETIC]");
            System.exit(2);
        }
        Path shared = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int syntheticCount = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        double fullRotation = args.length > 4 ? Double.parseDouble(args[4]) : 0.15;
        double learningRate = args.length > 5 ? Double.parseDouble(args[5]) : 2e-3;
        LandmarkTrainingSettings settings = LandmarkTrainingSettings.defaults().withSteps(steps)
                .withFullRotationFraction(fullRotation).withLearningRate(learningRate);
        KoitkaLandmarks koitka = KoitkaLandmarks.load(shared.resolve("data/landmarks/koitka-train-299.csv"),
                shared.resolve("data/landmarks/koitka-train-299-boxes.csv"));
        ImageDecoder decoder = ImageDecoder.create();
        List<LandmarkExample> examples = new ArrayList<>();
        int withTips = 0;
        for (String id : koitka.tune()) {
            GreyImage image = decoder.decode(shared.resolve("data/rsna-299/images/" + id + ".jpg"));
            var lm = koitka.landmarksWithTips(id);
            withTips += lm.hasFingertips() ? 1 : 0;
            examples.add(LandmarkExample.of(id, image, lm, settings.inputSize()));
        }
        SyntheticHandGenerator generator = SyntheticHandGenerator.builder().setSeed(7_2026L).optImageSize(256, 320)
                .optRotationRange(-20, 20).optFlipProbability(0).optInversionProbability(0).build();
        List<LandmarkExample> synthetic = new ArrayList<>();
        for (SyntheticHand hand : generator.generate(syntheticCount)) {
            synthetic.add(LandmarkExample.of("synthetic-" + hand.index(), hand.image(), hand.landmarks(), settings.inputSize()));
        }
        System.out.printf("%s: %d tune images (%d with fingertips), %d synthetic hands, %s%n", Instant.now(), examples.size(),
                withTips, synthetic.size(), settings);
        LandmarkBundle bundle = LandmarkTrainer.builder()
                .setExamples(examples)
                .optSyntheticExamples(synthetic)
                .setOutputDirectory(out)
                .optSettings(settings)
                .optProgress(line -> System.out.println(Instant.now() + " " + line))
                .addProvenance("data", "rsna-299 images with data/landmarks/koitka-train-299.csv (Koitka et al. 2018, MIT); "
                        + "fingertips extrapolated from the DIP/PIP boxes; synthetic hands: boneage-synthetic seed 72026, "
                        + syntheticCount + " hands 256x320")
                .addProvenance("split", "Koitka split: ids sorted, shuffled with seed " + KoitkaLandmarks.SPLIT_SEED
                        + ", first " + KoitkaLandmarks.TUNE_COUNT + " trained on, the other 64 held out (never used)")
                .addProvenance("command", "io.github.boneage.benchmarks.train.TrainLandmarkModel SHARED OUT " + String.join(" ",
                        java.util.Arrays.copyOfRange(args, 2, args.length)))
                .build()
                .train();
        System.out.println(Instant.now() + " wrote " + bundle.folder() + " sha256 " + bundle.sha256());
    }
}
