package io.github.boneage.clinical.reference;

/** Bone age against chronological age, by the conventional two-standard-deviation limits. */
public enum MaturityVerdict {
    /** SDS below -2: bone age delayed. */
    DELAYED,
    /** SDS from -2 to +2 inclusive. */
    WITHIN_NORMAL_LIMITS,
    /** SDS above +2: bone age advanced. */
    ADVANCED;

    /** SDS limit beyond which bone age counts as delayed or advanced. */
    public static final double LIMIT = 2.0;

    /**
     * @param sds a standard deviation score (bone age minus chronological age, over the reference SD)
     * @return the verdict for a standard deviation score
     */
    public static MaturityVerdict of(double sds) {
        if (Double.isNaN(sds)) {
            throw new IllegalArgumentException("SDS is NaN");
        }
        return sds < -LIMIT ? DELAYED : sds > LIMIT ? ADVANCED : WITHIN_NORMAL_LIMITS;
    }
}
