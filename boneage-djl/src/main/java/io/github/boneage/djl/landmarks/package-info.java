/**
 * The learned hand-landmark detector: {@link io.github.boneage.djl.landmarks.LearnedLandmarkDetector} (a heatmap CNN,
 * {@link io.github.boneage.djl.landmarks.LandmarkNetBlock}, on DJL's PyTorch engine), its bundle format
 * ({@link io.github.boneage.djl.landmarks.LandmarkBundle}) and the factory that picks the tools' default detector
 * ({@link io.github.boneage.djl.landmarks.LandmarkDetectors}).
 */
package io.github.boneage.djl.landmarks;
