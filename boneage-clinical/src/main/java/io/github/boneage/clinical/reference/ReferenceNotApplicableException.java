package io.github.boneage.clinical.reference;

import io.github.boneage.core.BoneAgeException;

/**
 * The reference cannot score this child: the sex is unknown (the tables are sex-specific) or the chronological age lies
 * outside the ages the table covers. Scores are never extrapolated.
 */
public class ReferenceNotApplicableException extends BoneAgeException {

    /** Why the reference does not apply. */
    public enum Reason {
        /** The tables are sex-specific and the sex is unknown. */
        SEX_UNKNOWN,
        /** The chronological age is below the first table age. */
        AGE_BELOW_TABLE,
        /** The chronological age is above the last table age. */
        AGE_ABOVE_TABLE
    }

    /** Why the reference does not apply. */
    private final Reason reason;

    /**
     * @param reason  why
     * @param message what, naming the age, sex and the table's range
     */
    public ReferenceNotApplicableException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** @return why the reference does not apply */
    public Reason reason() {
        return reason;
    }
}
