/**
 * Engine-agnostic explanation of bone-age estimates: occlusion sensitivity over the estimate's ROI
 * ({@link io.github.boneage.clinical.explain.OcclusionSensitivity}, giving an
 * {@link io.github.boneage.clinical.explain.OcclusionHeatmap}) and its rendering over the radiograph as a PNG
 * ({@link io.github.boneage.clinical.explain.HeatmapRenderer}).
 */
package io.github.boneage.clinical.explain;
