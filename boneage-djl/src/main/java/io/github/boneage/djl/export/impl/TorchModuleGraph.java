package io.github.boneage.djl.export.impl;

import io.github.boneage.djl.export.UnsupportedExportException;
import java.io.IOException;
import java.util.Map;

/**
 * Writes a TorchScript module tree into an {@link OnnxModel}, module by module, for the layers a MobileNetV2 feature
 * extractor is made of (torchvision's {@code mobilenet_v2().features} plus global average pooling, as
 * {@code tools/mobilenetv2_from_onnx.py} and {@code tools/export_backbone.py} save it): {@code Conv2d} to
 * {@code Conv}, {@code BatchNorm2d} to {@code BatchNormalization} (kept, not folded, so every ONNX initializer is a
 * parameter of the source; ONNX Runtime folds it into the convolution itself), {@code ReLU6} to {@code Clip},
 * {@code ReLU} to {@code Relu}, {@code InvertedResidual} with {@code use_res_connect} to {@code Add},
 * {@code AdaptiveAvgPool2d(1)} to {@code GlobalAveragePool}. Any other module class is refused, naming it and its
 * path in the tree.
 */
public final class TorchModuleGraph {

    /** The module classes this translator writes. */
    public static final String SUPPORTED = "Features (features + AdaptiveAvgPool2d(1) + flatten), Sequential, "
            + "Conv2dNormActivation, InvertedResidual, Conv2d, BatchNorm2d, ReLU6, ReLU, AdaptiveAvgPool2d(1), Identity, "
            + "Dropout";

    private final OnnxModel onnx;
    private final String source;

    /**
     * @param onnx   the model to add nodes and initializers to
     * @param source a name for messages (the bundle and network)
     */
    public TorchModuleGraph(OnnxModel onnx, String source) {
        this.onnx = onnx;
        this.source = source;
    }

    /**
     * Writes a feature extractor that ends in flattened features {@code [N, F]}.
     *
     * @param root  the TorchScript module
     * @param input the input value's name ({@code [N, C, H, W]})
     * @param scope a name prefix for its nodes and initializers
     * @return the name of the {@code [N, F]} output
     * @throws IOException when a tensor cannot be read
     * @throws UnsupportedExportException naming the module class that is not supported
     */
    public String featureExtractor(TorchScriptArchive.Module root, String input, String scope) throws IOException {
        Map<String, TorchScriptArchive.Module> children = root.children();
        if (!root.simpleName().equals("Features") || !children.keySet().equals(java.util.Set.of("features", "pool"))) {
            throw unsupported(root, scope);
        }
        String x = module(children.get("features"), input, scope + ".features");
        x = module(children.get("pool"), x, scope + ".pool");
        String flat = onnx.fresh(scope + ".flatten");
        onnx.node("Flatten", scope + ".flatten").inputs(x).outputs(flat).attr("axis", 1L).add();
        return flat;
    }

    private String module(TorchScriptArchive.Module m, String x, String path) throws IOException {
        switch (m.simpleName()) {
            case "Sequential", "Conv2dNormActivation" -> {
                String y = x;
                for (Map.Entry<String, TorchScriptArchive.Module> c : m.children().entrySet()) {
                    y = module(c.getValue(), y, path + "." + c.getKey());
                }
                return y;
            }
            case "InvertedResidual" -> {
                TorchScriptArchive.Module conv = m.children().get("conv");
                if (conv == null || m.children().size() != 1) {
                    throw unsupported(m, path);
                }
                String y = module(conv, x, path + ".conv");
                Object residual = m.attributes().get("use_res_connect");
                if (!(residual instanceof Boolean)) {
                    throw new UnsupportedExportException(source + ": " + path + " (InvertedResidual) has no boolean use_res_connect");
                }
                if ((Boolean) residual) {
                    String sum = onnx.fresh(path + ".add");
                    onnx.node("Add", path + ".add").inputs(x, y).outputs(sum).add();
                    return sum;
                }
                return y;
            }
            case "Conv2d" -> {
                return conv(m, x, path);
            }
            case "BatchNorm2d" -> {
                return batchNorm(m, x, path);
            }
            case "ReLU6" -> {
                float lo = floatConstant(m, "min_val", path);
                float hi = floatConstant(m, "max_val", path);
                String min = onnx.addFloats(path + ".min", new long[0], new float[] {lo});
                String max = onnx.addFloats(path + ".max", new long[0], new float[] {hi});
                String y = onnx.fresh(path + ".clip");
                onnx.node("Clip", path).inputs(x, min, max).outputs(y).add();
                return y;
            }
            case "ReLU" -> {
                String y = onnx.fresh(path + ".relu");
                onnx.node("Relu", path).inputs(x).outputs(y).add();
                return y;
            }
            case "AdaptiveAvgPool2d" -> {
                String size = m.constant("output_size");
                if (size == null || !(size.equals("1") || size.equals("(1, 1)") || size.equals("[1, 1]"))) {
                    throw new UnsupportedExportException(source + ": " + path + " is AdaptiveAvgPool2d with output size "
                            + size + "; only global pooling (output size 1) is supported");
                }
                String y = onnx.fresh(path + ".gap");
                onnx.node("GlobalAveragePool", path).inputs(x).outputs(y).add();
                return y;
            }
            case "Identity", "Dropout" -> {
                return x;
            }
            default -> throw unsupported(m, path);
        }
    }

    private String conv(TorchScriptArchive.Module m, String x, String path) throws IOException {
        if (Boolean.TRUE.equals(m.attributes().get("transposed"))) {
            throw new UnsupportedExportException(source + ": " + path + " is a transposed convolution, which is not supported");
        }
        String mode = m.constant("padding_mode");
        if (mode != null && !mode.equals("\"zeros\"")) {
            throw new UnsupportedExportException(source + ": " + path + " pads with " + mode + "; only zero padding is supported");
        }
        DjlParams.Tensor w = m.tensor("weight");
        DjlParams.Tensor b = m.tensor("bias");
        long[] stride = pair(m, "stride", path);
        long[] padding = pair(m, "padding", path);
        long[] dilation = pair(m, "dilation", path);
        long groups = Long.parseLong(required(m, "groups", path));
        if (w.shape().length != 4) {
            throw new UnsupportedExportException(source + ": " + path + ".weight has shape " + java.util.Arrays.toString(w.shape())
                    + "; only 2-D convolutions are supported");
        }
        String weight = onnx.addFloats(path + ".weight", w.shape(), w.values());
        String y = onnx.fresh(path + ".conv");
        OnnxModel.Node node = onnx.node("Conv", path);
        if (b != null) {
            node.inputs(x, weight, onnx.addFloats(path + ".bias", b.shape(), b.values()));
        } else {
            node.inputs(x, weight);
        }
        node.outputs(y)
                .attrInts("kernel_shape", w.shape()[2], w.shape()[3])
                .attrInts("strides", stride)
                .attrInts("pads", padding[0], padding[1], padding[0], padding[1])
                .attrInts("dilations", dilation)
                .attr("group", groups)
                .add();
        return y;
    }

    private String batchNorm(TorchScriptArchive.Module m, String x, String path) throws IOException {
        if ("False".equals(m.constant("affine")) || "False".equals(m.constant("track_running_stats"))) {
            throw new UnsupportedExportException(source + ": " + path + " is a BatchNorm2d without affine parameters or"
                    + " running statistics, which is not supported");
        }
        float eps = floatConstant(m, "eps", path);
        String[] names = {"weight", "bias", "running_mean", "running_var"};
        String[] inputs = new String[5];
        inputs[0] = x;
        for (int i = 0; i < names.length; i++) {
            DjlParams.Tensor t = m.tensor(names[i]);
            if (t == null) {
                throw new UnsupportedExportException(source + ": " + path + "." + names[i] + " is None");
            }
            inputs[i + 1] = onnx.addFloats(path + "." + names[i], t.shape(), t.values());
        }
        String y = onnx.fresh(path + ".bn");
        onnx.node("BatchNormalization", path).inputs(inputs).outputs(y).attr("epsilon", eps).add();
        return y;
    }

    private String required(TorchScriptArchive.Module m, String name, String path) throws IOException {
        String v = m.constant(name);
        if (v == null) {
            throw new UnsupportedExportException(source + ": " + path + " (" + m.simpleName() + ") has no constant " + name
                    + " in its TorchScript code");
        }
        return v;
    }

    private float floatConstant(TorchScriptArchive.Module m, String name, String path) throws IOException {
        String v = required(m, name, path);
        try {
            return Float.parseFloat(v.endsWith(".") ? v + "0" : v);
        } catch (NumberFormatException e) {
            throw new UnsupportedExportException(source + ": " + path + " constant " + name + " is not a number: " + v);
        }
    }

    /** Parses a {@code (a, b)} constant, or a single number meaning both. */
    private long[] pair(TorchScriptArchive.Module m, String name, String path) throws IOException {
        String v = required(m, name, path).replaceAll("[()\\[\\]\\s]", "");
        String[] parts = v.split(",");
        try {
            if (parts.length == 1) {
                long a = Long.parseLong(parts[0]);
                return new long[] {a, a};
            }
            if (parts.length == 2) {
                return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UnsupportedExportException(source + ": " + path + " constant " + name + " is not a pair of integers: "
                + required(m, name, path) + (name.equals("padding") ? " (string padding such as 'same' is not supported)" : ""));
    }

    private UnsupportedExportException unsupported(TorchScriptArchive.Module m, String path) {
        return new UnsupportedExportException(source + ": module " + path + " is a " + m.className().replaceAll("___torch_mangle_\\d+\\.", "")
                + ", which the ONNX exporter does not support (supported TorchScript modules: " + SUPPORTED + ")");
    }
}
