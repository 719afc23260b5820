package io.github.boneage.synthetic;

/**
 * Where the age signal of a synthetic hand lives. With any value but {@link #WHOLE_HAND} only that region's
 * maturation follows the sample's age; hand size, bone lengths and every other region are drawn at one fixed age. An
 * explanation heatmap of a model trained on such images should then light up that region
 * ({@link SyntheticHand#regionBounds(AgeSignalRegion)} gives its box).
 */
public enum AgeSignalRegion {
    /** Everything follows the age: size, carpals, every epiphysis. */
    WHOLE_HAND,
    /** Only the carpal ossification centres (appearance and growth). */
    CARPALS,
    /** Only the distal epiphyses of radius and ulna. */
    RADIUS_ULNA,
    /** Only the epiphyses of the proximal, middle and distal phalanges. */
    PHALANGES
}
