package io.github.boneage.core;

import java.util.Locale;

/** Biological sex of the patient as far as the bone-age model is concerned. */
public enum Sex {
    /** Male. */
    MALE,
    /** Female. */
    FEMALE,
    /** Not known: sex-aware models then use their sex-agnostic fallback (or refuse, if they have none). */
    UNKNOWN;

    /**
     * Parses the spellings users and files use: {@code male}/{@code female}/{@code unknown}, {@code M}/{@code F}/{@code U}
     * (DICOM PatientSex) and the RSNA CSV's {@code male} column values {@code True}/{@code False} are <em>not</em> accepted
     * here (use {@link #fromRsnaMaleFlag(String)}), because "true" alone does not say which sex it means.
     *
     * @param text the text to parse, case-insensitive
     * @return the sex
     * @throws IllegalArgumentException naming the text when it is none of the accepted spellings
     */
    public static Sex parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("sex is missing (expected male, female or unknown)");
        }
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "male":
            case "m":
                return MALE;
            case "female":
            case "f":
                return FEMALE;
            case "unknown":
            case "u":
            case "o":
            case "":
                return UNKNOWN;
            default:
                throw new IllegalArgumentException("unknown sex '" + text + "' (expected male, female or unknown)");
        }
    }

    /**
     * Reads the RSNA challenge's {@code male} column.
     *
     * @param flag {@code True} or {@code False} (case-insensitive)
     * @return {@link #MALE} or {@link #FEMALE}
     * @throws IllegalArgumentException naming the value when it is neither
     */
    public static Sex fromRsnaMaleFlag(String flag) {
        String f = flag == null ? "" : flag.trim().toLowerCase(Locale.ROOT);
        if (f.equals("true")) {
            return MALE;
        }
        if (f.equals("false")) {
            return FEMALE;
        }
        throw new IllegalArgumentException("male flag '" + flag + "' is neither True nor False");
    }

    /** @return the lower-case name used in CLI flags, JSON and CSV files */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
