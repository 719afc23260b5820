/**
 * Internals of the classical landmark detector: working-image resampling, segmentation with exposure-field and
 * inversion handling, hand-shape analysis (palm, reach profile, fingertips, valleys, hand frame), and the fitted point
 * model. Not a stable API.
 */
package io.github.boneage.preprocess.landmarks.impl;
