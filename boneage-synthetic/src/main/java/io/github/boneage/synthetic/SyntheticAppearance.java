package io.github.boneage.synthetic;

/**
 * How a synthetic radiograph was exposed and displayed. Intensities are fractions of the output's full scale.
 *
 * @param inverted   whether the grey scale is inverted (bone dark, as in a MONOCHROME1 display)
 * @param background grey level of unattenuated background before inversion
 * @param contrast   grey-level span from background to fully attenuating matter
 * @param gamma      exponent applied to the attenuation before display
 * @param noiseSigma standard deviation of the added noise
 * @param blurSigma  standard deviation of the Gaussian detector blur, in pixels (0: none)
 * @param marker     whether a side-marker letter was burned in
 * @param frame      whether a bright collimation frame surrounds the exposed field
 * @param bitDepth   significant bits per sample of the output image
 */
public record SyntheticAppearance(boolean inverted, double background, double contrast, double gamma,
        double noiseSigma, double blurSigma, boolean marker, boolean frame, int bitDepth) {
}
