package io.github.boneage.core;

import java.util.Locale;

/** The five fingers, thumb first; used to name fingertips. */
public enum Finger {
    /** The thumb. */
    THUMB,
    /** The index finger. */
    INDEX,
    /** The middle finger. */
    MIDDLE,
    /** The ring finger. */
    RING,
    /** The little finger. */
    LITTLE;

    /** @return the CSV column prefix of this finger's tip, e.g. {@code tip_thumb} */
    public String tipColumnPrefix() {
        return "tip_" + name().toLowerCase(Locale.ROOT);
    }
}
