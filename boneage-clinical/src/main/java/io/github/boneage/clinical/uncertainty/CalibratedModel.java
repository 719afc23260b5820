package io.github.boneage.clinical.uncertainty;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.boneage.core.ModelInfo;

/**
 * The model a calibration belongs to. The digest is what is checked: a retrained model needs a new calibration.
 *
 * @param name   the model's name
 * @param digest the SHA-256 of its weights, as {@link ModelInfo#digest()}
 */
public record CalibratedModel(@JsonProperty("name") String name, @JsonProperty("digest") String digest) {

    /**
     * @param model the loaded model whose name and weights digest are recorded
     * @return the identity of the given model
     */
    public static CalibratedModel of(ModelInfo model) {
        return new CalibratedModel(model.name(), model.digest());
    }
}
