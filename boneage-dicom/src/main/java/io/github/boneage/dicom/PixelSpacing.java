package io.github.boneage.dicom;

/**
 * Physical size of one pixel.
 *
 * @param rowSpacingMm    distance between the centres of adjacent rows, in mm
 * @param columnSpacingMm distance between the centres of adjacent columns, in mm
 * @param attribute       where it came from: {@code PixelSpacing} (calibrated at the patient) or
 *                        {@code ImagerPixelSpacing} (at the detector, not corrected for magnification)
 */
public record PixelSpacing(double rowSpacingMm, double columnSpacingMm, String attribute) {

    /**
     * @param rowSpacingMm distance between the centres of adjacent rows, in mm
     * @param columnSpacingMm distance between the centres of adjacent columns, in mm
     * @param attribute where it came from: {@code PixelSpacing} (calibrated at the patient) or {@code
     *                  ImagerPixelSpacing} (at the detector, not corrected for magnification)
     * @throws IllegalArgumentException for a non-positive or non-finite spacing
     */
    public PixelSpacing {
        if (!(rowSpacingMm > 0 && columnSpacingMm > 0) || Double.isInfinite(rowSpacingMm) || Double.isInfinite(columnSpacingMm)) {
            throw new IllegalArgumentException("pixel spacing must be positive, got " + rowSpacingMm + " x " + columnSpacingMm);
        }
    }
}
