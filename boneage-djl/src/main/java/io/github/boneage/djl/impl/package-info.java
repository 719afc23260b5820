/**
 * Implementation of the DJL backend: file handling of bundles, engine and device checks, the tensor translator and
 * the pooled networks. Not a public API; use {@link io.github.boneage.djl.DjlBoneAgeEstimator} and
 * {@link io.github.boneage.djl.ModelBundle}.
 */
package io.github.boneage.djl.impl;
