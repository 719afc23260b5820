package io.github.boneage.dicom.impl;

/**
 * A decoded single-component JPEG / JPEG-LS image.
 *
 * @param precision the sample precision in bits
 * @param samples   the samples, row by row
 */
record JpegImage(int precision, int[] samples) {
}
