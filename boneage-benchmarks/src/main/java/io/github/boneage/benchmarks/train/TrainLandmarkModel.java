package io.github.boneage.benchmarks.train;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.HandMask;
import io.github.boneage.core.landmarks.LandmarksCsv;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.djl.landmarks.LandmarkBundle;
import io.github.boneage.djl.train.landmarks.KoitkaLandmarks;
import io.github.boneage.djl.train.landmarks.LandmarkExample;
import io.github.boneage.djl.train.landmarks.LandmarkTrainer;
import io.github.boneage.djl.train.landmarks.LandmarkTrainingSettings;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import io.github.boneage.preprocess.landmarks.impl.HandAnalyzer;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Trains the shipped learned landmark model: the 128 tune images of the Koitka split (never the 64 held-out ones)
 * plus synthetic hands, written as a bundle.
 *
 * <pre>
 * java -Dai.djl.pytorch.num_threads=1 -cp ... io.github.boneage.benchmarks.train.TrainLandmarkModel SHARED OUT [STEPS] [SYNTHETIC]
 *     [FULL_ROTATION_FRACTION] [LEARNING_RATE] [--pseudo LANDMARKS.csv --pseudo-fraction F] [--init BUNDLE]
 * </pre>
 * {@code --pseudo} names a landmarks CSV of rsna-299 images labelled by another detector ({@link PseudoLabelLandmarks}),
 * mixed into batches at the given share (the synthetic share then drops to 0.14, the expert images keep the rest);
 * {@code --init} starts from another landmark bundle's weights. {@code --mask-head alone} adds a hand-mask head to
 * the {@code --init} network and trains it alone on the frozen trunk (every point the detector places stays as it
 * was). The mask targets are the classical detector's
 * hand masks ({@link HandAnalyzer}, the same segmentation its quality gate measures), taken only from images it
 * accepts as a hand; synthetic hands get theirs the same way, negatives an empty mask.
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
        List<String> positional = new ArrayList<>();
        Path pseudoCsv = null;
        double pseudoFraction = 0.5;
        Path init = null;
        LandmarkTrainingSettings.MaskHeadTraining maskHead = LandmarkTrainingSettings.MaskHeadTraining.NONE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pseudo" -> pseudoCsv = Path.of(args[++i]);
                case "--pseudo-fraction" -> pseudoFraction = Double.parseDouble(args[++i]);
                case "--init" -> init = Path.of(args[++i]);
                case "--mask-head" -> maskHead = switch (args[++i]) {
                    case "alone" -> LandmarkTrainingSettings.MaskHeadTraining.MASK_ONLY;
                    default -> throw new IllegalArgumentException("--mask-head must be alone, got " + args[i]);
                };
                default -> positional.add(args[i]);
            }
        }
        Path shared = Path.of(positional.get(0));
        Path out = Path.of(positional.get(1));
        int steps = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 2000;
        int syntheticCount = positional.size() > 3 ? Integer.parseInt(positional.get(3)) : 300;
        double fullRotation = positional.size() > 4 ? Double.parseDouble(positional.get(4)) : 0.15;
        double learningRate = positional.size() > 5 ? Double.parseDouble(positional.get(5)) : 2e-3;
        LandmarkTrainingSettings settings = LandmarkTrainingSettings.defaults().withSteps(steps)
                .withFullRotationFraction(fullRotation).withLearningRate(learningRate).withMaskHead(maskHead);
        boolean masks = maskHead != LandmarkTrainingSettings.MaskHeadTraining.NONE;
        HandAnalyzer analyzer = new HandAnalyzer(ClassicalLandmarkDetector.DEFAULT_WORKING_SIDE);
        int[] withMask = new int[1];
        if (pseudoCsv != null) {
            settings = settings.withShares(0.14, settings.negativeFraction()).withPseudoFraction(pseudoFraction);
        }
        KoitkaLandmarks koitka = KoitkaLandmarks.load(shared.resolve("data/landmarks/koitka-train-299.csv"),
                shared.resolve("data/landmarks/koitka-train-299-boxes.csv"));
        ImageDecoder decoder = ImageDecoder.create();
        List<LandmarkExample> examples = new ArrayList<>();
        int withTips = 0;
        for (String id : koitka.tune()) {
            GreyImage image = decoder.decode(shared.resolve("data/rsna-299/images/" + id + ".jpg"));
            var lm = koitka.landmarksWithTips(id);
            withTips += lm.hasFingertips() ? 1 : 0;
            examples.add(withHandMask(masks, analyzer, image, LandmarkExample.of(id, image, lm, settings.inputSize()), withMask));
        }
        SyntheticHandGenerator generator = SyntheticHandGenerator.builder().setSeed(7_2026L).optImageSize(256, 320)
                .optRotationRange(-20, 20).optFlipProbability(0).optInversionProbability(0).build();
        List<LandmarkExample> synthetic = new ArrayList<>();
        for (SyntheticHand hand : generator.generate(syntheticCount)) {
            synthetic.add(withHandMask(masks, analyzer, hand.image(),
                    LandmarkExample.of("synthetic-" + hand.index(), hand.image(), hand.landmarks(), settings.inputSize()), withMask));
        }
        List<LandmarkExample> pseudo = new ArrayList<>();
        if (pseudoCsv != null) {
            for (LandmarksTable.Entry e : LandmarksCsv.read(pseudoCsv).entries()) {
                if (koitka.tune().contains(e.id()) || koitka.heldOut().contains(e.id())) {
                    throw new IllegalArgumentException(pseudoCsv + ", line " + e.line() + ": image " + e.id()
                            + " is Koitka-annotated; pseudo-labels must come from other images");
                }
                GreyImage image = decoder.decode(shared.resolve("data/rsna-299/images/" + e.id() + ".jpg"));
                pseudo.add(withHandMask(masks, analyzer, image, LandmarkExample.of(e.id(), image, e.landmarks(),
                        settings.inputSize()), withMask));
            }
        }
        System.out.printf("%s: %d tune images (%d with fingertips), %d synthetic hands, %d pseudo-labelled, %d with a hand "
                + "mask, %s%n", Instant.now(), examples.size(), withTips, synthetic.size(), pseudo.size(), withMask[0], settings);
        LandmarkTrainer.Builder trainer = LandmarkTrainer.builder()
                .setExamples(examples)
                .optSyntheticExamples(synthetic)
                .optPseudoLabelledExamples(pseudo);
        if (init != null) {
            trainer.optInitialWeights(init);
        }
        LandmarkBundle bundle = trainer
                .setOutputDirectory(out)
                .optSettings(settings)
                .optProgress(line -> System.out.println(Instant.now() + " " + line))
                .addProvenance("data", "rsna-299 images with data/landmarks/koitka-train-299.csv (Koitka et al. 2018, MIT); "
                        + "fingertips extrapolated from the DIP/PIP boxes; synthetic hands: boneage-synthetic seed 72026, "
                        + syntheticCount + " hands 256x320"
                        + (pseudoCsv == null ? "" : "; pseudo-labels: " + pseudo.size() + " rsna-299 images from "
                        + pseudoCsv.getFileName() + " (PseudoLabelLandmarks: classical detector, five fingertips, "
                        + "no held-out or Koitka image)"))
                .addProvenance("split", "Koitka split: ids sorted, shuffled with seed " + KoitkaLandmarks.SPLIT_SEED
                        + ", first " + KoitkaLandmarks.TUNE_COUNT + " trained on, the other 64 held out (never used)")
                .addProvenance("command", "io.github.boneage.benchmarks.train.TrainLandmarkModel SHARED OUT " + String.join(" ",
                        positional.subList(2, positional.size()))
                        + (pseudoCsv == null ? "" : " --pseudo " + pseudoCsv.getFileName() + " --pseudo-fraction " + pseudoFraction)
                        + (init == null ? "" : " --init " + init.getFileName())
                        + (masks ? " --mask-head alone" : ""))
                .addProvenance("handMasks", masks ? withMask[0] + " examples with a hand mask: the classical detector's "
                        + "segmentation (HandAnalyzer, working side " + ClassicalLandmarkDetector.DEFAULT_WORKING_SIDE
                        + " px) where it accepted the image as a hand; negatives an empty mask" : "none")
                .build()
                .train();
        System.out.println(Instant.now() + " wrote " + bundle.folder() + " sha256 " + bundle.sha256());
    }

    /**
     * The example with the classical analysis's hand mask ({@link HandAnalyzer#handMask}) sampled at the centres of
     * its reduced image's pixels, when masks are wanted and the analysis found a hand; else the example unchanged.
     */
    static LandmarkExample withHandMask(boolean wanted, HandAnalyzer analyzer, GreyImage image, LandmarkExample ex,
            int[] counter) {
        if (!wanted) {
            return ex;
        }
        Optional<HandMask> mask = analyzer.handMask(image);
        if (mask.isEmpty()) {
            return ex;
        }
        int w = ex.input().width();
        int h = ex.input().height();
        int f = ex.input().factor();
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = mask.get().contains((x + 0.5) * f, (y + 0.5) * f) ? 1f : 0f;
            }
        }
        counter[0]++;
        return ex.withHandMask(out);
    }
}
