/**
 * Training the learned hand-landmark detector ({@link io.github.boneage.djl.landmarks.LearnedLandmarkDetector}) on
 * DJL's PyTorch engine: annotated radiographs and synthetic hands, heavy on-the-fly augmentation in Java, heatmap
 * regression, checkpoints and resume, and a bundle with a provenance manifest.
 */
package io.github.boneage.djl.train.landmarks;
