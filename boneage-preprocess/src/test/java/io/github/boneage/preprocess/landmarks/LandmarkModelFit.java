package io.github.boneage.preprocess.landmarks;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.landmarks.impl.Features;
import io.github.boneage.preprocess.landmarks.impl.HandAnalyzer;
import io.github.boneage.preprocess.landmarks.impl.HandShape;
import io.github.boneage.preprocess.landmarks.impl.PointModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fits the shipped point model ({@link PointModel#RESOURCE}) on the tune part of {@link KoitkaSplit} and writes it.
 * Run by hand after changing the image analysis (it reads ../shared, so it is not a test):
 * {@code java -cp ... io.github.boneage.preprocess.landmarks.LandmarkModelFit SHARED_DIR OUT_CSV}.
 * The held-out images are never read here.
 */
public final class LandmarkModelFit {

    /** Ridge penalties tried; the one with the smallest 5-fold cross-validated error on the tune images wins. */
    private static final double[] LAMBDAS = {1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3};

    private LandmarkModelFit() {
    }

    /** One tune image's features and targets. */
    record Sample(String id, boolean tips, double[] full, double[] outline, double[] targets) {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args[0]);
        Path out = Path.of(args[1]);
        KoitkaSplit split = KoitkaSplit.load(shared.resolve("data/landmarks/koitka-train-299.csv"));
        HandAnalyzer analyzer = new HandAnalyzer(ClassicalLandmarkDetector.DEFAULT_WORKING_SIDE);
        ImageDecoder decoder = ImageDecoder.create();
        List<Sample> samples = new ArrayList<>();
        int rejected = 0;
        for (String id : split.tune) {
            GreyImage image = decoder.decode(shared.resolve("data/rsna-299/images/" + id + ".jpg"));
            HandAnalyzer.Analysis a = analyzer.analyse(image);
            if (a.rejection != null) {
                rejected++;
                System.out.println(id + " rejected: " + a.reason);
                continue;
            }
            HandLandmarks truth = split.table.get(id).orElseThrow();
            double[] pts = new double[14];
            for (ReferencePoint rp : ReferencePoint.values()) {
                pts[2 * rp.ordinal()] = truth.point(rp).x() / a.scaleX;
                pts[2 * rp.ordinal() + 1] = truth.point(rp).y() / a.scaleY;
            }
            HandShape s = a.shape;
            samples.add(new Sample(id, s.hasFiveTips(), s.hasFiveTips() ? Features.full(s) : null, Features.outline(s),
                    Features.targets(s, pts)));
        }
        List<Sample> withTips = samples.stream().filter(Sample::tips).toList();
        System.out.printf(Locale.ROOT, "tune images %d, rejected %d, with 5 tips %d%n", split.tune.size(), rejected,
                withTips.size());
        double tipsLambda = bestLambda(withTips, true);
        double outlineLambda = bestLambda(samples, false);
        Map<PointModel.Kind, double[][]> coefficients = new EnumMap<>(PointModel.Kind.class);
        coefficients.put(PointModel.Kind.TIPS, robustFit(withTips, true, tipsLambda));
        coefficients.put(PointModel.Kind.OUTLINE, robustFit(samples, false, outlineLambda));
        double[] reliability = reliability(withTips, tipsLambda);
        System.out.println("reliability " + java.util.Arrays.toString(reliability));
        String header = String.format(Locale.ROOT, "Point model of ClassicalLandmarkDetector, written by LandmarkModelFit.%n"
                + "Fitted on the %d tune images of KoitkaSplit (seed %d); held-out images never read.%n"
                + "tips: %d images, ridge lambda %g; outline: %d images, ridge lambda %g.%n"
                + "Each line: model,output,coefficients in feature order (see Features).",
                split.tune.size(), KoitkaSplit.SEED, withTips.size(), tipsLambda, samples.size(), outlineLambda);
        Files.writeString(out, PointModel.of(coefficients, reliability).toText(header), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }

    /** Rounds of refitting without the worst-placed images (failed tip or valley detections). */
    private static final int ROBUST_ROUNDS = 2;
    /** An image whose mean point error exceeds this multiple of the median is left out of the next round. */
    private static final double OUTLIER_FACTOR = 3;

    static double[][] robustFit(List<Sample> samples, boolean tips, double lambda) {
        List<Sample> kept = samples;
        double[][] c = fit(kept, tips, lambda);
        for (int round = 0; round < ROBUST_ROUNDS; round++) {
            PointModel m = PointModel.of(Map.of(kind(tips), c));
            double[] errors = samples.stream().mapToDouble(s -> meanError(m, s, tips)).toArray();
            double[] sorted = errors.clone();
            java.util.Arrays.sort(sorted);
            double limit = OUTLIER_FACTOR * sorted[sorted.length / 2];
            List<Sample> next = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                if (errors[i] <= limit) {
                    next.add(samples.get(i));
                }
            }
            System.out.printf(Locale.ROOT, "%s robust round %d: kept %d of %d%n", kind(tips), round, next.size(),
                    samples.size());
            kept = next;
            c = fit(kept, tips, lambda);
        }
        return c;
    }

    private static PointModel.Kind kind(boolean tips) {
        return tips ? PointModel.Kind.TIPS : PointModel.Kind.OUTLINE;
    }

    private static double meanError(PointModel m, Sample s, boolean tips) {
        double[] p = m.predict(kind(tips), tips ? s.full() : s.outline());
        double e = 0;
        for (int k = 0; k < 14; k += 2) {
            e += Math.hypot(p[k] - s.targets()[k], p[k + 1] - s.targets()[k + 1]);
        }
        return e / 7;
    }

    /** Per point from its own inputs for the tip model ({@link Features#TIPS_INPUTS}); from all inputs otherwise. */
    private static double[][] fit(List<Sample> samples, boolean tips, double lambda) {
        if (!tips) {
            return PointModel.fitRidge(samples.stream().map(Sample::outline).toList(),
                    samples.stream().map(Sample::targets).toList(), lambda);
        }
        int p = samples.get(0).full().length;
        double[][] out = new double[14][p];
        for (int point = 0; point < 7; point++) {
            int[] inputs = Features.TIPS_INPUTS[point];
            List<double[]> x = new ArrayList<>();
            List<double[]> y = new ArrayList<>();
            for (Sample s : samples) {
                double[] xi = new double[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    xi[i] = s.full()[inputs[i]];
                }
                x.add(xi);
                y.add(new double[] {s.targets()[2 * point], s.targets()[2 * point + 1]});
            }
            double[][] c = PointModel.fitRidge(x, y, lambda);
            for (int i = 0; i < inputs.length; i++) {
                out[2 * point][inputs[i]] = c[0][i];
                out[2 * point + 1][inputs[i]] = c[1][i];
            }
        }
        return out;
    }

    /**
     * Per reference point, the share of tune images whose 5-fold cross-validated placement by the tip model lies
     * within {@link PointModel#RELIABLE_ERROR} of hand size of the annotation.
     */
    private static double[] reliability(List<Sample> samples, double lambda) {
        int folds = 5;
        int[] within = new int[7];
        for (int fold = 0; fold < folds; fold++) {
            List<Sample> train = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                if (i % folds != fold) {
                    train.add(samples.get(i));
                }
            }
            PointModel m = PointModel.of(Map.of(PointModel.Kind.TIPS, robustFit(train, true, lambda)));
            for (int i = fold; i < samples.size(); i += folds) {
                double[] t = samples.get(i).targets();
                double[] p = m.predict(PointModel.Kind.TIPS, samples.get(i).full());
                double size = Math.hypot(t[4] - (t[10] + t[12]) / 2, t[5] - (t[11] + t[13]) / 2);
                for (int k = 0; k < 7; k++) {
                    if (Math.hypot(p[2 * k] - t[2 * k], p[2 * k + 1] - t[2 * k + 1]) <= PointModel.RELIABLE_ERROR * size) {
                        within[k]++;
                    }
                }
            }
        }
        double[] r = new double[7];
        for (int k = 0; k < 7; k++) {
            r[k] = (double) within[k] / samples.size();
        }
        return r;
    }

    private static double bestLambda(List<Sample> samples, boolean tips) {
        double best = Double.NaN;
        double bestError = Double.MAX_VALUE;
        for (double lambda : LAMBDAS) {
            double error = 0;
            int folds = 5;
            for (int fold = 0; fold < folds; fold++) {
                List<Sample> train = new ArrayList<>();
                for (int i = 0; i < samples.size(); i++) {
                    if (i % folds != fold) {
                        train.add(samples.get(i));
                    }
                }
                PointModel m = PointModel.of(Map.of(kind(tips), fit(train, tips, lambda)));
                for (int i = fold; i < samples.size(); i += folds) {
                    Sample s = samples.get(i);
                    double[] p = m.predict(tips ? PointModel.Kind.TIPS : PointModel.Kind.OUTLINE,
                            tips ? s.full() : s.outline());
                    double e = 0;
                    for (int k = 0; k < 14; k += 2) {
                        e += Math.hypot(p[k] - s.targets()[k], p[k + 1] - s.targets()[k + 1]);
                    }
                    // Capped so that a few failed detections do not decide the penalty.
                    error += Math.min(e / 7, 1.0);
                }
            }
            System.out.printf(Locale.ROOT, "%s lambda %g: mean cv error %.3f palm radii%n", tips ? "tips" : "outline",
                    lambda, error / samples.size());
            if (error < bestError) {
                bestError = error;
                best = lambda;
            }
        }
        return best;
    }
}
