/**
 * Internals of the synthetic hand generator: the anatomy model in millimetres, maturation timelines, anti-aliased
 * rasterization of projected bodies, and development into a grey image. Not a stable API.
 */
package io.github.boneage.synthetic.impl;
