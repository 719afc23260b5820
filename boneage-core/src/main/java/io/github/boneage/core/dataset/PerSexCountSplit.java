package io.github.boneage.core.dataset;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.Sex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws fixed numbers of training and validation samples per sex, like Lee, Kim &amp; Kim (2020): "We randomly selected
 * 1400 images each of male and female cohorts to total 2800 images. For each gender, one thousand images were used to
 * form training data and the remaining data were used to form testing data." ({@link #paper2020(long)}; the paper's
 * test set is this split's validation set.) Samples not drawn, and samples of unknown sex, are in neither set.
 *
 * <p>For each sex the samples are sorted by id and shuffled with a SplitMix64 generator seeded from the seed and the
 * sex; the first {@code trainPerSex} are the training set, the next {@code validationPerSex} the validation set.
 */
public final class PerSexCountSplit implements SplitStrategy {

    /** The paper's training images per sex. */
    public static final int PAPER_TRAIN_PER_SEX = 1000;
    /** The paper's test images per sex. */
    public static final int PAPER_TEST_PER_SEX = 400;

    private final int trainPerSex;
    private final int validationPerSex;
    private final long seed;

    /**
     * @param trainPerSex      training samples drawn for each sex (at least 1)
     * @param validationPerSex validation samples drawn for each sex (at least 1)
     * @param seed             the random seed
     * @throws IllegalArgumentException if a count is below 1
     */
    public PerSexCountSplit(int trainPerSex, int validationPerSex, long seed) {
        if (trainPerSex < 1 || validationPerSex < 1) {
            throw new IllegalArgumentException("per-sex counts must be at least 1, got train=" + trainPerSex
                    + " validation=" + validationPerSex);
        }
        this.trainPerSex = trainPerSex;
        this.validationPerSex = validationPerSex;
        this.seed = seed;
    }

    /**
     * @param seed the random seed
     * @return the 2020 paper's split: 1000 training and 400 test (validation) images per sex, 2800 in all
     */
    public static PerSexCountSplit paper2020(long seed) {
        return new PerSexCountSplit(PAPER_TRAIN_PER_SEX, PAPER_TEST_PER_SEX, seed);
    }

    /**
     * @throws BoneAgeException if a sex has fewer than {@code trainPerSex + validationPerSex} samples
     */
    @Override
    public DatasetSplit split(List<Sample> samples) {
        List<Sample> sorted = DatasetSplit.sortedUnique(samples);
        List<Sample> train = new ArrayList<>();
        List<Sample> validation = new ArrayList<>();
        int needed = trainPerSex + validationPerSex;
        for (Sex sex : new Sex[] {Sex.FEMALE, Sex.MALE}) {
            List<Sample> ofSex = new ArrayList<>(sorted.stream().filter(s -> s.sex() == sex).toList());
            if (ofSex.size() < needed) {
                throw new BoneAgeException("split '" + description() + "' needs " + needed + " " + sex.label()
                        + " samples (" + trainPerSex + " train + " + validationPerSex + " validation), but only "
                        + ofSex.size() + " are available");
            }
            new SplitMix64(SplitMix64.derive(seed, sex == Sex.FEMALE ? 1 : 2)).shuffle(ofSex);
            train.addAll(ofSex.subList(0, trainPerSex));
            validation.addAll(ofSex.subList(trainPerSex, needed));
        }
        return new DatasetSplit(train, validation, description(), manifestFields());
    }

    @Override
    public String description() {
        boolean paper = trainPerSex == PAPER_TRAIN_PER_SEX && validationPerSex == PAPER_TEST_PER_SEX;
        return (paper ? "paper2020 " : "") + "per-sex counts train=" + trainPerSex + " validation=" + validationPerSex
                + " per sex seed=" + seed;
    }

    @Override
    public Map<String, String> manifestFields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("split.strategy", "per-sex-counts");
        m.put("split.seed", Long.toString(seed));
        m.put("split.trainPerSex", Integer.toString(trainPerSex));
        m.put("split.validationPerSex", Integer.toString(validationPerSex));
        return m;
    }

    @Override
    public String toString() {
        return description();
    }
}
