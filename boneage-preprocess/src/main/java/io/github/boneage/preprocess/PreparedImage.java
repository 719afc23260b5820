package io.github.boneage.preprocess;

import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;

/**
 * A radiograph after ROI crop, equalization and resize: exactly what the model sees, before tensor normalization.
 *
 * @param image  the prepared grey image (same bit depth as the input)
 * @param scheme the ROI scheme that was applied
 * @param roi    the rectangle of the original image that was cropped
 */
public record PreparedImage(GreyImage image, RoiScheme scheme, Roi roi) {
}
