package io.github.boneage.dicom;

/**
 * The patient's age on the day the radiograph was taken.
 *
 * @param months      age in months (fractional; a day counts 12 / 365.25 months)
 * @param derivedFrom which attributes gave it: {@code PatientBirthDate+StudyDate} (preferred, exact to the day) or
 *                    {@code PatientAge} (as coarse as its unit, e.g. whole years for {@code 010Y})
 */
public record AgeAtStudy(double months, String derivedFrom) {
}
