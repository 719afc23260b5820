package io.github.boneage.synthetic;

/** The eight carpal bones, in the order their ossification centres usually appear. */
public enum Carpal {
    /** First to ossify, in the first months of life. */
    CAPITATE,
    /** Ossifies shortly after the capitate. */
    HAMATE,
    /** Around 2-3 years. */
    TRIQUETRUM,
    /** Around 3-4 years. */
    LUNATE,
    /** Around 4-5.5 years. */
    TRAPEZIUM,
    /** Around 4-6 years. */
    TRAPEZOID,
    /** Around 4.5-6 years. */
    SCAPHOID,
    /** Last, around 9-12 years. */
    PISIFORM
}
