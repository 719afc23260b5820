/**
 * Pure-Java preprocessing of hand radiographs: {@link io.github.boneage.preprocess.Preprocessor} applies a
 * {@link io.github.boneage.preprocess.PreprocessSpec} (ROI crop, equalization, resize, CHW tensor), stored as JSON by
 * {@link io.github.boneage.preprocess.PreprocessSpecJson}. Subpackages: {@code equalize} (equalizers), {@code geometry}
 * (resizing), {@code io} (decoding and PNG writing).
 */
package io.github.boneage.preprocess;
