package io.github.boneage.core;

import java.util.Locale;

/**
 * The seven reference points of Lee &amp; Kim (2018) and Lee, Kim &amp; Kim (2020): the proximal ends of the five proximal
 * phalanges and the distal ends of radius and ulna. Their order here is the column order of the landmarks CSV.
 */
public enum ReferencePoint {
    /** Proximal end of the thumb's proximal phalanx. */
    THUMB,
    /** Proximal end of the index finger's proximal phalanx. */
    INDEX,
    /** Proximal end of the middle finger's proximal phalanx. */
    MIDDLE,
    /** Proximal end of the ring finger's proximal phalanx. */
    RING,
    /** Proximal end of the little finger's proximal phalanx. */
    LITTLE,
    /** Distal end of the radius. */
    RADIUS,
    /** Distal end of the ulna. */
    ULNA;

    /** @return the CSV column prefix, e.g. {@code thumb} for columns {@code thumb_x,thumb_y} */
    public String columnPrefix() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return whether this is one of the five finger points (not radius or ulna) */
    public boolean isFinger() {
        return this != RADIUS && this != ULNA;
    }
}
