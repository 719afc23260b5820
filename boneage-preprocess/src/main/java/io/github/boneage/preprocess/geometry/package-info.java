/**
 * Resizing with precomputed per-axis weights and caller-supplied workspaces: bilinear when enlarging, area averaging
 * when shrinking, with OpenCV's {@code INTER_LINEAR} / {@code INTER_AREA} pixel-centre conventions.
 */
package io.github.boneage.preprocess.geometry;
