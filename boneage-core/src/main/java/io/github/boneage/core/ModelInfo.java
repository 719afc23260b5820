package io.github.boneage.core;

/**
 * Identity of the model behind an estimate.
 *
 * @param name         the model's name (e.g. the bundle's name)
 * @param architecture network architecture, e.g. {@code resnet50}
 * @param digest       SHA-256 of the weights (hex), or {@code unknown}
 * @param provenance   how it was made
 */
public record ModelInfo(String name, String architecture, String digest, ModelProvenance provenance) {
}
