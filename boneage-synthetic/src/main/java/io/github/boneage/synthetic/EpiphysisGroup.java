package io.github.boneage.synthetic;

/** Groups of epiphyses that share one maturation timeline in the synthetic hand. */
public enum EpiphysisGroup {
    /** Distal epiphysis of the radius. */
    RADIUS,
    /** Distal epiphysis of the ulna. */
    ULNA,
    /** Heads of metacarpals II-V and the base of metacarpal I. */
    METACARPALS,
    /** Bases of the five proximal phalanges. */
    PROXIMAL_PHALANGES,
    /** Bases of the four middle phalanges (the thumb has none). */
    MIDDLE_PHALANGES,
    /** Bases of the five distal phalanges. */
    DISTAL_PHALANGES
}
