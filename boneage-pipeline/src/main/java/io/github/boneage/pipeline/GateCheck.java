package io.github.boneage.pipeline;

import java.util.Objects;

/**
 * One check of the pipeline's gate and what it concluded for one radiograph.
 *
 * @param check   which check
 * @param outcome what it concluded
 * @param detail  why, in words fit for a user
 */
public record GateCheck(Check check, Outcome outcome, String detail) {

    /** The checks, in the order the pipeline runs them. */
    public enum Check {
        /** The image is large enough to hold a hand radiograph a model can read. */
        SIZE,
        /** Bone bright on a dark background, or inverted (then corrected). */
        INVERSION,
        /** Exactly one hand-shaped object. */
        HAND,
        /** Fingers up as in the training radiographs; a hand turned by a quarter turn or more is refused. */
        ORIENTATION,
        /** The reference points are reliable enough for the model's region of interest. */
        LANDMARKS,
        /** The carpal and metacarpal region shows bone structure. */
        BONE_STRUCTURE
    }

    /** What a check concluded. */
    public enum Outcome {
        /** Nothing to change. */
        PASSED,
        /** The image was changed to pass (its grey scale inverted back). */
        CORRECTED,
        /** The image was refused: no estimate is given for it. */
        REFUSED,
        /** Not run: not needed by the chosen model, or the gate is off. */
        SKIPPED
    }

    /**
     * @param check which check
     * @param outcome what it concluded
     * @param detail why, in words fit for a user
     * @throws NullPointerException if a field is null
     */
    public GateCheck {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
    }
}
