package io.github.boneage.djl.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * For {@code djl-params} bundles: which {@link io.github.boneage.djl.BlockFactory} rebuilds the DJL block whose
 * parameters the weight files hold, and with which settings.
 *
 * @param factory   the factory's name (e.g. the architecture, {@code resnet50})
 * @param arguments the factory's settings (widths, depths...), as strings; sorted by key
 */
public record BlockSpec(@JsonProperty(required = true) String factory, Map<String, String> arguments) {

    /**
     * Requires a factory name; copies the arguments in key order.
     *
     * @param factory the factory's name (e.g. the architecture, {@code resnet50})
     * @param arguments the factory's settings (widths, depths...), as strings; sorted by key
     */
    public BlockSpec {
        Objects.requireNonNull(factory, "factory");
        arguments = arguments == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(arguments));
    }
}
