package io.github.boneage.djl.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How the weights of a bundle are stored, which decides the DJL engine that runs them. */
public enum ModelFormat {
    /** An ONNX graph ({@code .onnx}), run by DJL's {@code OnnxRuntime} engine. */
    ONNX("onnx", "OnnxRuntime", ".onnx"),
    /** A TorchScript module ({@code .pt}, from {@code torch.jit.script} or {@code torch.jit.trace}), run by {@code PyTorch}. */
    TORCHSCRIPT("torchscript", "PyTorch", ".pt"),
    /**
     * Parameters of a DJL {@code Block} as written by {@code Model.save} ({@code <prefix>-<epoch>.params}); the block
     * itself is rebuilt by a {@link io.github.boneage.djl.BlockFactory} named in the manifest's {@code block} field.
     */
    DJL_PARAMS("djl-params", "PyTorch", ".params");

    private final String label;
    private final String defaultEngine;
    private final String fileSuffix;

    ModelFormat(String label, String defaultEngine, String fileSuffix) {
        this.label = label;
        this.defaultEngine = defaultEngine;
        this.fileSuffix = fileSuffix;
    }

    /** @return the ending weight files of this format must have: {@code .onnx}, {@code .pt} or {@code .params} */
    public String fileSuffix() {
        return fileSuffix;
    }

    /** @return the name used in the manifest, e.g. {@code torchscript} */
    @JsonValue
    public String label() {
        return label;
    }

    /** @return the DJL engine that runs this format unless the manifest names another */
    public String defaultEngine() {
        return defaultEngine;
    }

    /**
     * @param label {@code onnx}, {@code torchscript} or {@code djl-params} (case-insensitive)
     * @return the format
     * @throws IllegalArgumentException naming the label if unknown
     */
    @JsonCreator
    public static ModelFormat parse(String label) {
        for (ModelFormat f : values()) {
            if (f.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown model format '" + label + "' (expected onnx, torchscript or djl-params)");
    }
}
