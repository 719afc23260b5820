package io.github.boneage.clinical.reference;

import io.github.boneage.core.Sex;

/**
 * Bone age compared with chronological age: {@code sds = (boneAge - chronologicalAge) / sd(chronologicalAge)}.
 *
 * @param sex                    the sex whose table was used
 * @param boneAgeMonths          the bone age
 * @param chronologicalAgeMonths the chronological age
 * @param sdMonths               the reference standard deviation of skeletal age at that chronological age (months,
 *                               linearly interpolated between table ages)
 * @param sds                    the standard deviation score
 * @param verdict                delayed, within normal limits or advanced
 * @param reference              the reference's name, e.g. {@code Greulich-Pyle (Brush Foundation)}
 */
public record StandardDeviationScore(Sex sex, double boneAgeMonths, double chronologicalAgeMonths, double sdMonths, double sds,
        MaturityVerdict verdict, String reference) {
}
