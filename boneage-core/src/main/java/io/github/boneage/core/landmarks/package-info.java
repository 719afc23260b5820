/**
 * The landmarks CSV ({@link io.github.boneage.core.landmarks.LandmarksCsv}): the seven reference points (and optional
 * fingertips) of many images, read into a {@link io.github.boneage.core.landmarks.LandmarksTable} keyed by image id.
 */
package io.github.boneage.core.landmarks;
