package io.github.boneage.djl.export;

import io.github.boneage.core.BoneAgeException;

/**
 * The ONNX exporter cannot write this bundle's network: its architecture, a layer, or a setting is not one it supports.
 * The message names the bundle, the part that is not supported, and what is.
 */
public class UnsupportedExportException extends BoneAgeException {

    private static final long serialVersionUID = 1L;

    /** @param message the bundle, what is not supported, and what is */
    public UnsupportedExportException(String message) {
        super(message);
    }
}
