package io.github.boneage.synthetic;

/**
 * How a synthetic hand was posed and placed in its image.
 *
 * @param rotationDegrees rotation of the hand as displayed, clockwise, in degrees (-180..180); 0 is upright, fingers up
 * @param scale           size relative to the largest that keeps the hand's region of interest in the image (0, 1]
 * @param pixelsPerMm     the resulting magnification of the modelled anatomy
 * @param offsetX         horizontal shift of the hand's bounding box centre from the image centre, in pixels
 * @param offsetY         vertical shift of the hand's bounding box centre from the image centre, in pixels
 * @param flipped         whether the hand is mirrored: a right hand in PA view, thumb on the image's left
 * @param fingerSpread    abduction of the fingers, 0 (together) to 1 (spread wide)
 * @param fingerCurl      flexion of the fingers, 0 (flat on the detector) to 1 (strongly curled, foreshortened)
 */
public record SyntheticPose(double rotationDegrees, double scale, double pixelsPerMm, double offsetX, double offsetY,
        boolean flipped, double fingerSpread, double fingerCurl) {
}
