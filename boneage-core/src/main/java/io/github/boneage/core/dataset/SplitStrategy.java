package io.github.boneage.core.dataset;

import java.util.List;
import java.util.Map;

/**
 * A reproducible way to divide samples into training and validation (held-out) sets. The result depends only on the
 * samples' ids, labels and the strategy's settings (seed included): not on the samples' order, the JVM or the platform.
 */
public interface SplitStrategy {

    /**
     * @param samples the samples to divide; ids must be unique
     * @return the split
     * @throws IllegalArgumentException if two samples share an id
     * @throws io.github.boneage.core.BoneAgeException if the samples cannot satisfy the strategy (too few of a sex)
     */
    DatasetSplit split(List<Sample> samples);

    /** @return the settings in one line, e.g. {@code fraction validation=0.2 seed=42 stratified by sex} */
    String description();

    /** @return the settings as manifest fields, keys prefixed {@code split.} (e.g. {@code split.seed}) */
    Map<String, String> manifestFields();
}
