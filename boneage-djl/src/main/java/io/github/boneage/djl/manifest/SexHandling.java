package io.github.boneage.djl.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.github.boneage.core.Sex;
import java.util.Locale;
import java.util.Objects;

/**
 * How a bundle takes the patient's sex into account.
 *
 * @param mode     {@code agnostic}, {@code per-sex} or {@code sex-input}
 * @param sexInput for {@code sex-input} only: the second input tensor and its encoding
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SexHandling(@JsonProperty(required = true) Mode mode, SexInput sexInput) {

    /** The three ways. */
    public enum Mode {
        /** One network, sex ignored; estimates report {@link Sex#UNKNOWN} as the sex used. */
        AGNOSTIC("agnostic"),
        /**
         * One network per sex (weights with roles {@code male} and {@code female}), and optionally a sex-agnostic one
         * (role {@code agnostic}) used for patients of unknown sex; without it, unknown sex is an error.
         */
        PER_SEX("per-sex"),
        /** One network with a second input tensor carrying the sex (see {@link SexInput}). */
        SEX_INPUT("sex-input");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        /** @return the name used in the manifest */
        @JsonValue
        public String label() {
            return label;
        }

        /**
         * @param label {@code agnostic}, {@code per-sex} or {@code sex-input}
         * @return the mode
         * @throws IllegalArgumentException naming the label if unknown
         */
        @JsonCreator
        public static Mode parse(String label) {
            for (Mode m : values()) {
                if (m.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown sex handling '" + label + "' (expected agnostic, per-sex or sex-input)");
        }
    }

    /**
     * The sex input of a {@code sex-input} network: a float32 tensor of shape {@code [N, 1]}, second after the image.
     *
     * @param name    the input's name in the graph
     * @param male    the value for boys (conventionally 1)
     * @param female  the value for girls (conventionally 0)
     * @param unknown the value for patients of unknown sex (conventionally 0.5), or {@code null} when the network was
     *                not trained for it and unknown sex is an error
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SexInput(@JsonProperty(required = true) String name, @JsonProperty(required = true) float male, @JsonProperty(required = true) float female, Float unknown) {

        /**
         * Requires a name.
         *
         * @param name the input's name in the graph
         * @param male the value for boys (conventionally 1)
         * @param female the value for girls (conventionally 0)
         * @param unknown the value for patients of unknown sex (conventionally 0.5), or {@code null} when the network
         *                was not trained for it and unknown sex is an error
         */
        public SexInput {
            Objects.requireNonNull(name, "name");
        }

        /** @return the conventional encoding: input {@code sex}, 1 male, 0 female, 0.5 unknown */
        public static SexInput standard() {
            return new SexInput("sex", 1f, 0f, 0.5f);
        }

        /**
         * @param sex the patient's sex
         * @return the value for {@code sex}, or {@code null} for {@link Sex#UNKNOWN} when the encoding has none
         */
        public Float encode(Sex sex) {
            switch (sex) {
                case MALE:
                    return male;
                case FEMALE:
                    return female;
                default:
                    return unknown;
            }
        }
    }

    /**
     * Requires a mode.
     *
     * @param mode {@code agnostic}, {@code per-sex} or {@code sex-input}
     * @param sexInput for {@code sex-input} only: the second input tensor and its encoding
     */
    public SexHandling {
        Objects.requireNonNull(mode, "mode");
    }

    /** @return sex-agnostic handling */
    public static SexHandling agnostic() {
        return new SexHandling(Mode.AGNOSTIC, null);
    }

    /** @return one network per sex */
    public static SexHandling perSex() {
        return new SexHandling(Mode.PER_SEX, null);
    }

    /**
     * @param encoding the values fed to the network for each sex
     * @return a sex input with the given encoding
     */
    public static SexHandling sexInput(SexInput encoding) {
        return new SexHandling(Mode.SEX_INPUT, Objects.requireNonNull(encoding, "encoding"));
    }
}
