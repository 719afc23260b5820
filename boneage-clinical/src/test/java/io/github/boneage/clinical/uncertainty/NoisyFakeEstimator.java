package io.github.boneage.clinical.uncertainty;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test estimator with known noise: for source {@code id} it returns {@code truth(id) + bias(id) + noise}, where the
 * bias is fixed per image (the model's error the augmentations cannot reveal) and the noise is fresh per call (what
 * makes augmented predictions disagree). Both scale with the image's difficulty, so the TTA spread carries
 * information about the error.
 */
final class NoisyFakeEstimator implements BoneAgeEstimator {

    static final ModelInfo MODEL = new ModelInfo("fake-noisy", "test", "abc123", ModelProvenance.unknown());

    private final Map<String, double[]> truthAndDifficulty = new ConcurrentHashMap<>();
    private final double biasSd;
    private final double noiseSd;
    private final Random noise = new Random(99);
    private final String failingSource;

    NoisyFakeEstimator(double biasSd, double noiseSd, String failingSource) {
        this.biasSd = biasSd;
        this.noiseSd = noiseSd;
        this.failingSource = failingSource;
    }

    /** Registers an image: its reference age and a difficulty factor (1 = typical). */
    void register(String id, double truthMonths, double difficulty) {
        truthAndDifficulty.put(id, new double[] {truthMonths, difficulty});
    }

    @Override
    public BoneAgeEstimate estimate(EstimationRequest request) {
        if (request.sourceId().equals(failingSource)) {
            throw new BoneAgeException(request.sourceId() + ": unreadable on purpose");
        }
        double[] td = truthAndDifficulty.get(request.sourceId());
        double bias = new Random(mix(request.sourceId().hashCode())).nextGaussian() * biasSd * td[1];
        double callNoise;
        synchronized (noise) {
            callNoise = noise.nextGaussian() * noiseSd * td[1];
        }
        return new BoneAgeEstimate(request.sourceId(), td[0] + bias + callNoise, request.sex(), RoiScheme.WHOLE,
                Roi.whole(request.image().width(), request.image().height()), MODEL);
    }

    /** Scrambles the hash: java.util.Random's first draws for neighbouring seeds are correlated. */
    private static long mix(long h) {
        long z = h * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public ModelInfo model() {
        return MODEL;
    }

    @Override
    public void close() {
    }
}
