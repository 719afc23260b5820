package io.github.boneage.djl.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * One weight file of a bundle.
 *
 * @param role   which patients the network is for
 * @param file   path relative to the bundle's root, with {@code /} separators
 * @param sha256 SHA-256 of the file's bytes, lower-case hex; checked when the bundle is loaded
 */
public record WeightsFile(@JsonProperty(required = true) NetworkRole role, @JsonProperty(required = true) String file, @JsonProperty(required = true) String sha256) {

    /**
     * Requires every field.
     *
     * @param role which patients the network is for
     * @param file path relative to the bundle's root, with {@code /} separators
     * @param sha256 SHA-256 of the file's bytes, lower-case hex; checked when the bundle is loaded
     */
    public WeightsFile {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
    }
}
