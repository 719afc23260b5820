package io.github.boneage.core;

import java.util.Optional;

/**
 * Identity of the model behind an estimate.
 *
 * @param name           the model's name (e.g. the bundle's name)
 * @param architecture   network architecture, e.g. {@code resnet50}
 * @param digest         SHA-256 of the weights (hex), or {@code unknown}
 * @param provenance     how it was made
 * @param heldOutMetrics its accuracy on untouched held-out images, {@code null} when its bundle records none
 */
public record ModelInfo(String name, String architecture, String digest, ModelProvenance provenance,
        HeldOutMetrics heldOutMetrics) {

    /**
     * A model without recorded held-out figures.
     *
     * @param name         the model's name
     * @param architecture network architecture
     * @param digest       SHA-256 of the weights (hex), or {@code unknown}
     * @param provenance   how it was made
     */
    public ModelInfo(String name, String architecture, String digest, ModelProvenance provenance) {
        this(name, architecture, digest, provenance, null);
    }

    /** @return the accuracy on untouched held-out images, when the model's bundle records it */
    public Optional<HeldOutMetrics> heldOut() {
        return Optional.ofNullable(heldOutMetrics);
    }
}
