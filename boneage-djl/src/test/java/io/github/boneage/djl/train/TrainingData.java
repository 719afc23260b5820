package io.github.boneage.djl.train;

import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.djl.train.net.Architecture;
import io.github.boneage.djl.train.net.BackboneSpec;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;

/** Synthetic hands as training examples, generated once per test JVM and shared by the trainer's tests. */
final class TrainingData {

    private static final Map<String, List<TrainingExample>> CACHE = new ConcurrentHashMap<>();

    private TrainingData() {
    }

    /**
     * @param seed  the generator's seed (different seeds give disjoint sets)
     * @param count number of hands
     * @param size  image side in pixels
     * @param sex   the sex of every hand, or {@link Sex#UNKNOWN} for a mix of both
     * @return hands with their bone age, sex, landmarks and a chronological age near the bone age
     */
    static List<TrainingExample> hands(long seed, int count, int size, Sex sex) {
        return CACHE.computeIfAbsent(seed + "/" + count + "/" + size + "/" + sex, k -> {
            SyntheticHandGenerator generator = SyntheticHandGenerator.builder()
                    .setSeed(seed)
                    .optImageSize(size, size)
                    .optSex(sex)
                    .build();
            return LongStream.range(0, count).parallel().mapToObj(i -> example(generator.generate(i), seed)).toList();
        });
    }

    private static TrainingExample example(SyntheticHand hand, long seed) {
        // chronological age differs from bone age by up to +-12 months, deterministically per hand
        double offset = ((hand.index() * 7919 + seed) % 25) - 12;
        return TrainingExample.ofImage("syn-" + seed + "-" + hand.index(), hand.image(), hand.ageMonths(), hand.sex())
                .withLandmarks(hand.landmarks())
                .withChronologicalAge(Math.max(0, hand.ageMonths() + offset));
    }

    /** @return grey 1-channel whole-image preprocessing at {@code size} pixels, no equalization */
    static PreprocessSpec spec(int size) {
        return new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.none(), size, 1, new double[] {0.5}, new double[] {0.25});
    }

    /** @return the small CNN, built from scratch */
    static BackboneSpec smallCnn() {
        return BackboneSpec.scratch(Architecture.SMALL_CNN);
    }

    /**
     * @param examples labelled examples
     * @param train    the examples whose mean is predicted
     * @return MAD of predicting the training mean for every example
     */
    static double meanBaselineMad(List<TrainingExample> examples, List<TrainingExample> train) {
        double mean = train.stream().mapToDouble(TrainingExample::boneAgeMonths).average().orElseThrow();
        return examples.stream().mapToDouble(e -> Math.abs(e.boneAgeMonths() - mean)).average().orElseThrow();
    }
}
