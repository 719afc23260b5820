/**
 * Automatic landmarks: {@link io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector} finds the seven
 * reference points and the fingertips on a raw hand radiograph and gives the quality gate's verdict, in pure Java.
 * See {@code docs/landmarks.md} for the method and its measured accuracy.
 */
package io.github.boneage.preprocess.landmarks;
