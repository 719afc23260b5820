/**
 * Deterministic synthetic hand radiographs for tests and demos:
 * {@link io.github.boneage.synthetic.SyntheticHandGenerator} draws a hand per (seed, index) with exact landmarks and
 * age-driven morphology. The images have no clinical meaning.
 * Pure Java over primitive arrays, no AWT.
 */
package io.github.boneage.synthetic;
