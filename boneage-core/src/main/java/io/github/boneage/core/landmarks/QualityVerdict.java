package io.github.boneage.core.landmarks;

/**
 * The quality gate's verdict on a radiograph, given before any bone age is estimated from it. Anything but {@link #OK}
 * means an estimate from this image would be computed on garbage, and callers must report the verdict instead.
 */
public enum QualityVerdict {
    /** One hand was found and its reference points were located with enough confidence. */
    OK,
    /** No hand-like object was found (blank image, noise only, nothing but film border). */
    NO_HAND,
    /** More than one hand is in the image; the caller must crop to one. */
    MULTIPLE_HANDS,
    /** An object was found, but its shape is not a hand (e.g. a foot or a chest radiograph). */
    NOT_A_HAND,
    /** A hand was found, but its reference points could not be located reliably enough. */
    LOW_CONFIDENCE,
    /**
     * Whether the grey scale is inverted (bone dark, background bright) could not be decided; estimating either
     * reading could give a confident wrong number.
     */
    INVERSION_UNCERTAIN,
    /**
     * The hand's orientation (which way the fingers point, which side the thumb is on) could not be established, so
     * the image cannot be brought into the upright orientation the model was trained on.
     */
    ORIENTATION_UNCERTAIN,
    /**
     * A hand-shaped object was found, but the region of the metacarpals and carpals shows no bone structure (e.g. a
     * flat silhouette, a photograph of a glove, a heavily over-exposed film).
     */
    NO_BONE_STRUCTURE
}
