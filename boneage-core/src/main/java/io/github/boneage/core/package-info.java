/**
 * The boneage API: {@link io.github.boneage.core.BoneAgeEstimator}, landmarks and {@link io.github.boneage.core.RoiScheme}s,
 * {@link io.github.boneage.core.Equalizer}s, requests and results. No DJL and no AWT here.
 */
package io.github.boneage.core;
