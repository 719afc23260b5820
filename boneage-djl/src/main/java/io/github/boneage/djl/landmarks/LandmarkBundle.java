package io.github.boneage.djl.landmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.boneage.djl.ModelBundleException;
import io.github.boneage.djl.landmarks.impl.PointOrder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A learned landmark model on disk: a folder with {@value #MANIFEST} (format, network sizes and whether it has a
 * hand-mask head, heatmap order, weights
 * file and its SHA-256, provenance) and the DJL parameter file it names (PyTorch engine).
 *
 * @param folder     the bundle folder
 * @param spec       the network's sizes
 * @param sigma      the heatmap Gaussian it was trained with, in cells
 * @param weights    the DJL parameter file's name inside the folder (e.g. {@code landmarks-0000.params})
 * @param sha256     SHA-256 of the weights, lower-case hex
 * @param provenance free-form provenance (data, split, settings, versions, time), in manifest order
 */
public record LandmarkBundle(Path folder, LandmarkNetSpec spec, double sigma, String weights, String sha256,
        Map<String, String> provenance) {

    /** The manifest's file name. */
    public static final String MANIFEST = "landmark-model.json";
    /** The manifest's format tag. */
    public static final String FORMAT = "boneage-landmarks/1";
    /** The DJL model name; the weights file is {@code landmarks-NNNN.params}. */
    public static final String MODEL_NAME = "landmarks";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Copies the provenance.
     *
     * @param folder the bundle folder
     * @param spec the network's sizes
     * @param sigma the heatmap Gaussian it was trained with, in cells
     * @param weights the DJL parameter file's name inside the folder (e.g. {@code landmarks-0000.params})
     * @param sha256 SHA-256 of the weights, lower-case hex
     * @param provenance free-form provenance (data, split, settings, versions, time), in manifest order
     */
    public LandmarkBundle {
        provenance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    /**
     * Reads and checks a bundle: the manifest's format, the heatmap order (it must be this version's
     * {@link PointOrder}) and the weights' SHA-256.
     *
     * @param folder the bundle folder
     * @return the bundle
     * @throws ModelBundleException naming the folder and what is wrong
     */
    public static LandmarkBundle load(Path folder) {
        Path manifest = folder.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new ModelBundleException(folder.toString(), "no " + MANIFEST + " in the folder");
        }
        JsonNode root;
        try {
            root = JSON.readTree(manifest.toFile());
        } catch (IOException e) {
            throw new ModelBundleException(folder.toString(), MANIFEST + " is not valid JSON: " + e.getMessage(), e);
        }
        String format = root.path("format").asText("");
        if (!FORMAT.equals(format)) {
            throw new ModelBundleException(folder.toString(), MANIFEST + ": format must be '" + FORMAT + "', got '" + format + "'");
        }
        JsonNode net = root.path("network");
        LandmarkNetSpec spec;
        try {
            JsonNode maskHead = net.path("maskHead");
            if (!maskHead.isMissingNode() && !maskHead.isBoolean()) {
                throw new IllegalArgumentException("maskHead must be true or false, got " + maskHead);
            }
            spec = new LandmarkNetSpec(net.path("inputSize").asInt(-1), net.path("width").asInt(-1), net.path("points").asInt(-1),
                    maskHead.asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(folder.toString(), MANIFEST + ", field network: " + e.getMessage(), e);
        }
        String[] names = new String[root.path("points").size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = root.path("points").get(i).asText();
        }
        if (!Arrays.equals(names, PointOrder.names()) || spec.points() != PointOrder.COUNT) {
            throw new ModelBundleException(folder.toString(), MANIFEST + ", field points: expected "
                    + Arrays.toString(PointOrder.names()) + ", got " + Arrays.toString(names));
        }
        double sigma = root.path("sigma").asDouble(Double.NaN);
        if (!(sigma > 0)) {
            throw new ModelBundleException(folder.toString(), MANIFEST + ", field sigma: must be a positive number");
        }
        String file = root.path("weights").path("file").asText("");
        String sha = root.path("weights").path("sha256").asText("");
        if (file.isEmpty() || file.contains("/") || file.contains("\\")) {
            throw new ModelBundleException(folder.toString(), MANIFEST + ", field weights.file: must name a file in the folder, got '"
                    + file + "'");
        }
        String engine = root.path("engine").asText(engineFor(file));
        if (!engine.equals(engineFor(file))) {
            throw new ModelBundleException(folder.toString(), MANIFEST + ", field engine: weights " + file + " run on "
                    + engineFor(file) + ", but the manifest says '" + engine + "'");
        }
        Path weights = folder.resolve(file);
        if (!Files.isRegularFile(weights)) {
            throw new ModelBundleException(folder.toString(), "weights file " + file + " is missing");
        }
        String actual = sha256(weights);
        if (!actual.equals(sha)) {
            throw new ModelBundleException(folder.toString(), "weights file " + file + ": SHA-256 is " + actual
                    + " but the manifest says '" + sha + "'");
        }
        Map<String, String> provenance = new LinkedHashMap<>();
        root.path("provenance").fields().forEachRemaining(e -> provenance.put(e.getKey(), e.getValue().asText()));
        return new LandmarkBundle(folder, spec, sigma, file, sha, provenance);
    }

    /**
     * Writes the manifest for weights already saved in {@code folder} (computing their SHA-256).
     *
     * @param folder     the bundle folder
     * @param spec       the network's sizes
     * @param sigma      the heatmap Gaussian in cells
     * @param weights    the weights file's name in the folder
     * @param provenance provenance entries, in order
     * @return the bundle as written
     * @throws IOException when the manifest cannot be written
     */
    public static LandmarkBundle write(Path folder, LandmarkNetSpec spec, double sigma, String weights,
            Map<String, String> provenance) throws IOException {
        String sha = sha256(folder.resolve(weights));
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("engine", engineFor(weights));
        ObjectNode net = root.putObject("network");
        net.put("type", "landmark-unet");
        net.put("inputSize", spec.inputSize());
        net.put("width", spec.width());
        net.put("points", spec.points());
        net.put("stride", LandmarkNetSpec.STRIDE);
        if (spec.maskHead()) {
            // Written only when true: a manifest without the field is a network without a mask head.
            net.put("maskHead", true);
        }
        root.put("sigma", sigma);
        var points = root.putArray("points");
        for (String n : PointOrder.names()) {
            points.add(n);
        }
        ObjectNode w = root.putObject("weights");
        w.put("file", weights);
        w.put("sha256", sha);
        ObjectNode prov = root.putObject("provenance");
        provenance.forEach(prov::put);
        JSON.writeValue(folder.resolve(MANIFEST).toFile(), root);
        return new LandmarkBundle(folder, spec, sigma, weights, sha, provenance);
    }

    /** ONNX Runtime, the engine of {@code .onnx} weights (an ONNX export, {@code OnnxExport.exportLandmarks}). */
    public static final String ONNX_ENGINE = "OnnxRuntime";
    /** PyTorch, the engine of DJL parameter weights ({@code .params}, the trainer's output). */
    public static final String PYTORCH_ENGINE = "PyTorch";

    /**
     * @param weights a weights file name
     * @return the engine that runs it: {@value #ONNX_ENGINE} for {@code .onnx}, else {@value #PYTORCH_ENGINE}
     */
    public static String engineFor(String weights) {
        return weights.endsWith(".onnx") ? ONNX_ENGINE : PYTORCH_ENGINE;
    }

    /** @return the engine that runs this bundle's weights ({@link #engineFor}) */
    public String engine() {
        return engineFor(weights);
    }

    /** @return SHA-256 of a file, lower-case hex */
    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ModelBundleException(file.getParent().toString(), "cannot read weights file " + file.getFileName() + ": "
                    + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
