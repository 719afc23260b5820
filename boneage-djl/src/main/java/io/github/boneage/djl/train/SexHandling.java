package io.github.boneage.djl.train;

import java.util.Locale;

/** How a model takes the patient's sex into account. */
public enum SexHandling {
    /** Two networks, one trained on each sex; the estimator routes each image by its sex (the papers' sex-aware models). */
    PER_SEX("per-sex"),
    /** One network; the sex (+1 male, -1 female, 0 unknown) is concatenated to the pooled features before the head. */
    SEX_INPUT("sex-input"),
    /** One network that never sees the sex. */
    AGNOSTIC("agnostic");

    private final String label;

    SexHandling(String label) {
        this.label = label;
    }

    /** @return the name used in manifests, reports and CLI flags */
    public String label() {
        return label;
    }

    /**
     * @param text {@code per-sex}, {@code sex-input} or {@code agnostic} (case-insensitive)
     * @return the handling
     * @throws IllegalArgumentException naming the text when it is none of these
     */
    public static SexHandling fromLabel(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (SexHandling s : values()) {
            if (s.label.equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown sex handling '" + text + "' (expected per-sex, sex-input or agnostic)");
    }
}
