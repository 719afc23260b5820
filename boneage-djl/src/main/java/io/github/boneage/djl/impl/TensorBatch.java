package io.github.boneage.djl.impl;

/**
 * Ready input tensors for one forward pass.
 *
 * @param images the image tensor, {@code count * C * H * W} floats used from index 0 (the array may be longer)
 * @param sex    the sex tensor values, {@code count} floats, or {@code null} for networks without a sex input
 * @param count  the number of images
 */
public record TensorBatch(float[] images, float[] sex, int count) {
}
