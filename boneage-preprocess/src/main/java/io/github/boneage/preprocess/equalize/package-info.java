/**
 * Pure-Java grey-level equalizers ({@link io.github.boneage.core.Equalizer} implementations): none, OpenCV-exact
 * {@code equalizeHist}, MATLAB {@code histeq} and OpenCV-exact CLAHE, for 8-bit and up-to-16-bit images. Create them
 * from a spec with {@link io.github.boneage.preprocess.equalize.Equalizers#create}.
 */
package io.github.boneage.preprocess.equalize;
