package io.github.boneage.djl.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.github.boneage.core.Sex;
import java.util.Locale;

/** Which patients a network of a bundle is for. */
public enum NetworkRole {
    /** Any patient: the only network of {@code agnostic} and {@code sex-input} bundles, the fallback of {@code per-sex}. */
    AGNOSTIC,
    /** Boys, in a {@code per-sex} bundle. */
    MALE,
    /** Girls, in a {@code per-sex} bundle. */
    FEMALE;

    /** @return the name used in the manifest: {@code agnostic}, {@code male} or {@code female} */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param label {@code agnostic}, {@code male} or {@code female} (case-insensitive)
     * @return the role
     * @throws IllegalArgumentException naming the label if unknown
     */
    @JsonCreator
    public static NetworkRole parse(String label) {
        for (NetworkRole r : values()) {
            if (r.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown network role '" + label + "' (expected agnostic, male or female)");
    }

    /**
     * @param sex the patient's sex
     * @return the role of the sex-specific network for {@code sex}, or {@link #AGNOSTIC} for {@link Sex#UNKNOWN}
     */
    public static NetworkRole of(Sex sex) {
        switch (sex) {
            case MALE:
                return MALE;
            case FEMALE:
                return FEMALE;
            default:
                return AGNOSTIC;
        }
    }
}
