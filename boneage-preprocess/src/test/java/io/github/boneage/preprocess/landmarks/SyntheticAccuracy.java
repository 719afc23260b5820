package io.github.boneage.preprocess.landmarks;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.preprocess.landmarks.impl.Features;
import io.github.boneage.preprocess.landmarks.impl.HandAnalyzer;
import io.github.boneage.preprocess.landmarks.impl.HandShape;
import io.github.boneage.preprocess.landmarks.impl.PointModel;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Development tool for docs/landmarks.md: accuracy on synthetic hands over poses, rotations (-180..180), flips and
 * inversion, (a) with the shipped point model fitted on real radiographs and (b) with the tip model refitted on other
 * synthetic hands (different seed), which separates the geometry of the pipeline from the anatomical definition of
 * the points. Arguments: TRAIN_COUNT TEST_COUNT.
 */
public final class SyntheticAccuracy {

    private SyntheticAccuracy() {
    }

    static SyntheticHandGenerator generator(long seed) {
        return SyntheticHandGenerator.builder().setSeed(seed).optImageSize(400, 500).optRotationRange(-180, 180)
                .optFlipProbability(0.5).optInversionProbability(0.3).optMarkerProbability(0.3).build();
    }

    public static void main(String[] args) {
        int trainCount = Integer.parseInt(args[0]);
        int testCount = Integer.parseInt(args[1]);
        List<LandmarkModelFit.Sample> samples = new ArrayList<>();
        PointModel synthetic = refit(trainCount, samples);
        ClassicalLandmarkDetector shipped = ClassicalLandmarkDetector.builder().build();
        ClassicalLandmarkDetector refitted = ClassicalLandmarkDetector.builder().optPointModel(synthetic).build();
        SyntheticHandGenerator test = generator(2002);
        double[] shippedSum = new double[2];
        double refittedSum = 0;
        int ok = 0;
        int okRefitted = 0;
        for (long i = 0; i < testCount; i++) {
            SyntheticHand hand = test.generate(i);
            HandLandmarks truth = hand.landmarks();
            LandmarkDetection d = shipped.detect(hand.image(), "s" + i);
            if (d.ok()) {
                ok++;
                shippedSum[0] += meanPointError(d.landmarks().orElseThrow(), truth);
                double tips = 0;
                for (Finger f : Finger.values()) {
                    tips += d.landmarks().get().fingertip(f).orElseThrow().distanceTo(truth.fingertip(f).orElseThrow())
                            / truth.handSize() * 100 / 5;
                }
                shippedSum[1] += tips;
            }
            LandmarkDetection r = refitted.detect(hand.image(), "s" + i);
            if (r.ok()) {
                okRefitted++;
                refittedSum += meanPointError(r.landmarks().orElseThrow(), truth);
            }
        }
        System.out.printf(Locale.ROOT, "train %d hands (%d with 5 tips), test %d hands%n", trainCount, samples.size(),
                testCount);
        System.out.printf(Locale.ROOT, "shipped (real-fitted) model: success %.1f%%, mean point error %.2f%%, "
                + "mean fingertip error %.2f%% of hand size%n", 100.0 * ok / testCount, shippedSum[0] / ok, shippedSum[1] / ok);
        System.out.printf(Locale.ROOT, "synthetic-refitted tip model: success %.1f%%, mean point error %.2f%% of hand size%n",
                100.0 * okRefitted / testCount, refittedSum / okRefitted);
    }

    /**
     * @param trainCount how many synthetic hands (seed 1001) to fit on
     * @param samples    receives the samples used
     * @return the shipped model with its tip model refitted on synthetic hands
     */
    static PointModel refit(int trainCount, List<LandmarkModelFit.Sample> samples) {
        HandAnalyzer analyzer = new HandAnalyzer(ClassicalLandmarkDetector.DEFAULT_WORKING_SIDE);
        SyntheticHandGenerator train = generator(1001);
        for (long i = 0; i < trainCount; i++) {
            SyntheticHand hand = train.generate(i);
            HandAnalyzer.Analysis a = analyzer.analyse(hand.image());
            if (a.rejection != null || !a.shape.hasFiveTips()) {
                continue;
            }
            double[] pts = new double[14];
            for (ReferencePoint rp : ReferencePoint.values()) {
                pts[2 * rp.ordinal()] = hand.landmarks().point(rp).x() / a.scaleX;
                pts[2 * rp.ordinal() + 1] = hand.landmarks().point(rp).y() / a.scaleY;
            }
            HandShape s = a.shape;
            samples.add(new LandmarkModelFit.Sample("s" + i, true, Features.full(s), Features.outline(s),
                    Features.targets(s, pts)));
        }
        return PointModel.of(Map.of(PointModel.Kind.TIPS,
                LandmarkModelFit.robustFit(samples, true, 0.03), PointModel.Kind.OUTLINE,
                PointModel.shipped().coefficients(PointModel.Kind.OUTLINE)));
    }

    static double meanPointError(HandLandmarks found, HandLandmarks truth) {
        double e = 0;
        for (ReferencePoint rp : ReferencePoint.values()) {
            e += found.point(rp).distanceTo(truth.point(rp)) / truth.handSize() * 100 / 7;
        }
        return e;
    }
}
