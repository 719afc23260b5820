/**
 * Reading radiographs from PNG and JPEG into grey images without losing bit depth ({@link
 * io.github.boneage.preprocess.io.ImageDecoder}), and writing grey images as PNG ({@link
 * io.github.boneage.preprocess.io.PngWriter}). Built on {@code javax.imageio}; no native code.
 */
package io.github.boneage.preprocess.io;
