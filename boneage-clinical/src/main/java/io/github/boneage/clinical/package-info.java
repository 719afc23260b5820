/**
 * The clinical layer around a bone-age number: Greulich-Pyle standard deviation scores against chronological age,
 * uncertainty intervals, explanation heatmaps, per-image reports and FHIR output.
 */
package io.github.boneage.clinical;
