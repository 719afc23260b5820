/**
 * Internals of the learned landmark detector shared with its trainer: affine geometry, the letterboxed network input,
 * heatmap targets and decoding. Not part of the public API; may change without notice.
 */
package io.github.boneage.djl.landmarks.impl;
