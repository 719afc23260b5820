package io.github.boneage.djl.train;

/**
 * Random changes applied to each cached, preprocessed grey image every time it is fed to training (never to
 * validation images). Each image draws, uniformly, a rotation in {@code [-maxRotationDegrees, +maxRotationDegrees]},
 * a scale in {@code [1 - maxScaleDelta, 1 + maxScaleDelta]}, a shift of up to {@code maxShiftFraction} of the side
 * along each axis, a brightness offset in {@code [-maxBrightness, +maxBrightness]} and a contrast factor in
 * {@code [1 - maxContrastDelta, 1 + maxContrastDelta]} (both on the [0, 1] intensity scale, clipped to it), and is
 * mirrored left-right with probability {@code flipProbability}. Geometry is resampled bilinearly with the border
 * replicated.
 *
 * @param maxRotationDegrees largest rotation
 * @param maxShiftFraction   largest shift as a fraction of the image side
 * @param maxScaleDelta      largest relative zoom in or out
 * @param maxBrightness      largest brightness offset
 * @param maxContrastDelta   largest relative contrast change
 * @param flipProbability    probability of a left-right mirror (0 keeps the hand's side, which ROIs depend on)
 */
public record Augmentation(double maxRotationDegrees, double maxShiftFraction, double maxScaleDelta, double maxBrightness,
        double maxContrastDelta, double flipProbability) {

    /**
     * Validates the ranges.
     *
     * @param maxRotationDegrees largest rotation
     * @param maxShiftFraction largest shift as a fraction of the image side
     * @param maxScaleDelta largest relative zoom in or out
     * @param maxBrightness largest brightness offset
     * @param maxContrastDelta largest relative contrast change
     * @param flipProbability probability of a left-right mirror (0 keeps the hand's side, which ROIs depend on)
     */
    public Augmentation {
        if (!(maxRotationDegrees >= 0 && maxRotationDegrees <= 180) || !(maxShiftFraction >= 0 && maxShiftFraction < 0.5)
                || !(maxScaleDelta >= 0 && maxScaleDelta < 1) || !(maxBrightness >= 0 && maxBrightness <= 1)
                || !(maxContrastDelta >= 0 && maxContrastDelta < 1) || !(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException("augmentation out of range: " + this);
        }
    }

    /** @return no augmentation */
    public static Augmentation none() {
        return new Augmentation(0, 0, 0, 0, 0, 0);
    }

    /** @return small changes that keep a radiograph plausible: 10 degrees, 5% shift, 10% zoom, 0.1 brightness and contrast */
    public static Augmentation standard() {
        return new Augmentation(10, 0.05, 0.10, 0.10, 0.10, 0);
    }

    /** @return whether this changes anything */
    public boolean isEnabled() {
        return maxRotationDegrees > 0 || maxShiftFraction > 0 || maxScaleDelta > 0 || maxBrightness > 0 || maxContrastDelta > 0
                || flipProbability > 0;
    }
}
