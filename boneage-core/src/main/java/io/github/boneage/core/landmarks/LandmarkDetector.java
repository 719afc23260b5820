package io.github.boneage.core.landmarks;

import io.github.boneage.core.image.GreyImage;

/**
 * Finds, on a raw hand radiograph with no manual input, the hand's seven reference points and five fingertips, and
 * judges whether the image is fit for bone-age estimation (the quality gate). Implementations are thread-safe.
 */
public interface LandmarkDetector {

    /**
     * @param image    the radiograph, at its full resolution and bit depth
     * @param sourceId names the image in reasons and errors (a file name, an id)
     * @return the verdict and, when a hand was located, its points; never {@code null}. An image that cannot be
     *         analysed at all (e.g. too small) is reported as a verdict, not thrown
     */
    LandmarkDetection detect(GreyImage image, String sourceId);

    /**
     * Whether one {@link #detect} call already reads the image at all four quarter turns and keeps the reading it
     * trusts most, so that the points it returns say which way the hand points on an image given in any orientation.
     * Callers that need the orientation (the safety pipeline) then ask once instead of asking at every quarter turn.
     *
     * @return {@code false} unless the implementation says otherwise
     */
    default boolean readsAnyOrientation() {
        return false;
    }
}
