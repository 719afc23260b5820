/**
 * Reference standards for bone age against chronological age: the Greulich-Pyle (Brush Foundation) standard
 * deviations, standard deviation scores and the delayed / within normal limits / advanced verdict.
 */
package io.github.boneage.clinical.reference;
