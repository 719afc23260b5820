package io.github.boneage.djl.export;

import io.github.boneage.core.ModelProvenance;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.djl.ModelBundleException;
import io.github.boneage.djl.ModelBundleWriter;
import io.github.boneage.djl.export.impl.DjlParams;
import io.github.boneage.djl.export.impl.LandmarkGraph;
import io.github.boneage.djl.export.impl.OnnxModel;
import io.github.boneage.djl.export.impl.TorchModuleGraph;
import io.github.boneage.djl.export.impl.TorchScriptArchive;
import io.github.boneage.djl.impl.BundleFiles;
import io.github.boneage.djl.landmarks.LandmarkBundle;
import io.github.boneage.djl.manifest.ManifestJson;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.ModelManifest;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.SexHandling;
import io.github.boneage.djl.manifest.WeightsFile;
import io.github.boneage.djl.train.net.NetworkSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Exports a model bundle to ONNX, in pure Java (no Python, no engine): reads the bundle's DJL parameters and the
 * TorchScript backbone inside them by name, and writes each network's graph node by node (ONNX operator set
 * {@value OnnxModel#OPSET}), so that ONNX Runtime alone can run the model.
 *
 * <p>Supported: {@code djl-params} bundles of the {@code boneage-network} block factory whose backbone is a TorchScript
 * MobileNetV2 feature extractor ({@link TorchModuleGraph#SUPPORTED}) and whose head is one linear layer over the
 * features and, optionally, the sex input (the shipped default model). Anything else fails with
 * {@link UnsupportedExportException} naming the architecture and what is supported.
 *
 * <p>The new bundle keeps the source's preprocessing, sex handling, output scaling, provenance and held-out metrics,
 * adds to the provenance's {@code trainerSettings} the entries {@code exportedFrom.name}, {@code exportedFrom.sha256}
 * (the source bundle's digest), {@code exportedFrom.format} and {@code exporter}, and copies the source folder's other
 * files (for example {@code uncertainty-calibration.json}).
 */
public final class OnnxExport {

    /** The exporter's own version, recorded in every exported bundle; raise it when the written graphs change. */
    public static final String EXPORTER_VERSION = "1";

    /** What an export wrote. */
    public record Result(Path folder, ModelManifest manifest, List<String> copiedFiles) {
        /**
         * @param folder      the new bundle folder
         * @param manifest    its manifest
         * @param copiedFiles the source folder's other files copied beside it
         */
        public Result {
            copiedFiles = List.copyOf(copiedFiles);
        }
    }

    private OnnxExport() {
    }

    /** @return the exporter's name and version as recorded in bundles, e.g. {@code boneage OnnxExport 1 (opset 13)} */
    public static String exporterDescription() {
        String lib = OnnxExport.class.getPackage().getImplementationVersion();
        return "boneage OnnxExport " + EXPORTER_VERSION + " (opset " + OnnxModel.OPSET + ", boneage "
                + (lib == null ? "development build" : lib) + ")";
    }

    /**
     * Exports a bundle into a new bundle folder.
     *
     * @param bundle the source bundle (folder or zip); it is verified (SHA-256 of every weight file) first
     * @param out    the new bundle folder; it must not exist or be empty
     * @return what was written
     * @throws ModelBundleException        naming the bundle when it is invalid, or the target cannot be written
     * @throws UnsupportedExportException naming the architecture or layer the exporter does not support
     */
    public static Result export(Path bundle, Path out) {
        try (ModelBundle source = ModelBundle.load(bundle)) {
            ModelManifest manifest = source.manifest();
            checkSupported(manifest, bundle.toString());
            if (Files.exists(out)) {
                try (Stream<Path> s = Files.list(out)) {
                    if (s.findAny().isPresent()) {
                        throw new ModelBundleException(out.toString(), "target folder is not empty");
                    }
                }
            }
            Path staging = Files.createTempDirectory("boneage-onnx-export-");
            try {
                ModelBundleWriter.Builder writer = ModelBundleWriter.builder()
                        .setName(manifest.name() + "-onnx")
                        .setArchitecture(manifest.architecture())
                        .setFormat(ModelFormat.ONNX)
                        .setPreprocessing(manifest.preprocessing())
                        .optEngine(ModelFormat.ONNX.defaultEngine())
                        .optDescription(description(manifest))
                        .optInputName(manifest.input().name())
                        .optSexHandling(manifest.sexHandling())
                        .optOutput(manifest.output())
                        .optProvenance(provenance(manifest, source.modelInfo().digest()))
                        .optHeldOutMetrics(manifest.heldOutMetrics());
                for (WeightsFile w : manifest.weights()) {
                    byte[] onnx = toOnnx(manifest, source.readWeights(w.role()), bundle + " network " + w.role().label());
                    Path file = staging.resolve(w.role().label() + ModelFormat.ONNX.fileSuffix());
                    Files.write(file, onnx);
                    writer.addWeights(w.role(), file);
                }
                ModelBundleWriter built = writer.build();
                built.writeFolder(out);
                String newDigest;
                try (ModelBundle written = ModelBundle.load(out)) {
                    newDigest = written.modelInfo().digest();
                }
                List<String> copied = copyCompanions(source, out, source.modelInfo().digest(), built.manifest().name(),
                        newDigest);
                return new Result(out, built.manifest(), copied);
            } finally {
                BundleFiles.deleteRecursively(staging);
            }
        } catch (IOException e) {
            throw new ModelBundleException(bundle.toString(), "ONNX export failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes one network of a bundle as an ONNX model: inputs {@code manifest.input().name()} {@code [N, C, H, W]} and,
     * with a sex input, {@code sexHandling.sexInput.name} {@code [N, 1]}; output {@code output} {@code [N, K]} (the
     * head's raw values, decoded by the manifest's output spec exactly as for the source).
     *
     * @param manifest the source bundle's manifest
     * @param weights  the network's {@code .params} bytes
     * @param source   a name for messages (bundle and network)
     * @return the {@code .onnx} file's bytes
     * @throws IOException                 naming the file and byte offset when the parameters cannot be read
     * @throws UnsupportedExportException naming what is not supported
     */
    public static byte[] toOnnx(ModelManifest manifest, byte[] weights, String source) throws IOException {
        checkSupported(manifest, source);
        NetworkSpec spec = NetworkSpec.fromArguments(manifest.block().arguments());
        DjlParams params = new DjlParams(source, weights);
        // BoneAgeNetworkBlock: version, input shapes; children backbone (a PtSymbolBlock: version, module), head.
        params.blockVersion("network", 1);
        params.skipInputShapes();
        params.blockVersion("backbone", 1);
        TorchScriptArchive backbone = new TorchScriptArchive(source + " backbone", params.readSizedBlob("TorchScript backbone"));
        // Head: SequentialBlock (version, input shapes) of an optional Dropout and one Linear.
        params.blockVersion("head", 3);
        params.skipSequentialMetadata();
        if (spec.head().dropout() > 0) {
            params.blockVersion("head dropout", 2);
            params.skipInputShapes();
        }
        params.blockVersion("head linear", 4);
        long units = params.readLong();
        long features = params.readLong();
        params.readShape();
        DjlParams.Tensor weight = params.readParameter("weight");
        DjlParams.Tensor bias = params.readParameter("bias");
        params.expectEnd();
        if (units != spec.head().outputs() || weight.shape().length != 2 || weight.shape()[0] != units
                || weight.shape()[1] != features || bias.size() != units) {
            throw new IOException(source + ": head is " + java.util.Arrays.toString(weight.shape()) + " for " + units
                    + " outputs over " + features + " features, which does not match the manifest's head (" + spec.head().outputs()
                    + " outputs)");
        }

        OnnxModel onnx = new OnnxModel(manifest.name());
        String image = manifest.input().name();
        onnx.addInput(image, manifest.input().channels(), manifest.input().height(), manifest.input().width());
        String x = new TorchModuleGraph(onnx, source).featureExtractor(backbone.root(), image, "backbone");
        if (spec.sexInput()) {
            String sex = manifest.sexHandling().sexInput().name();
            onnx.addInput(sex, 1);
            String joined = onnx.fresh("head.concat");
            onnx.node("Concat", "head.concat").inputs(x, sex).outputs(joined).attr("axis", 1L).add();
            x = joined;
        }
        String w = onnx.addFloats("head.weight", weight.shape(), weight.values());
        String b = onnx.addFloats("head.bias", new long[] {units}, bias.values());
        onnx.node("Gemm", "head.linear").inputs(x, w, b).outputs("output").attr("transB", 1L).add();
        onnx.addOutput("output", units);
        onnx.putMetadata("boneage.exporter", exporterDescription());
        onnx.putMetadata("boneage.source", manifest.name());
        return onnx.toBytes("boneage", EXPORTER_VERSION);
    }

    /**
     * Exports a learned landmark bundle ({@code landmark-model.json} with DJL parameters of
     * {@code LandmarkNetBlock}) into a new landmark bundle folder whose weights are {@code landmarks.onnx}: input
     * {@code image} {@code [N, 1, S, S]}, output {@code heatmaps} {@code [N, points, S/4, S/4]}.
     * {@code LearnedLandmarkDetector} runs it on ONNX Runtime. The manifest keeps the source's network sizes, sigma,
     * point order and provenance, and adds {@code exportedFrom.sha256} (the source weights' SHA-256) and
     * {@code exporter}.
     *
     * @param bundle the source landmark bundle folder
     * @param out    the new folder; it must not exist or be empty
     * @return the new bundle
     * @throws ModelBundleException naming the bundle when it is invalid, already ONNX, or cannot be read or written
     */
    public static LandmarkBundle exportLandmarks(Path bundle, Path out) {
        LandmarkBundle source = LandmarkBundle.load(bundle);
        if (source.engine().equals(LandmarkBundle.ONNX_ENGINE)) {
            throw new UnsupportedExportException(bundle + ": the landmark bundle is already ONNX (" + source.weights() + ")");
        }
        try {
            if (Files.exists(out)) {
                try (Stream<Path> s = Files.list(out)) {
                    if (s.findAny().isPresent()) {
                        throw new ModelBundleException(out.toString(), "target folder is not empty");
                    }
                }
            }
            byte[] weights = Files.readAllBytes(bundle.resolve(source.weights()));
            if (!BundleFiles.sha256(weights).equals(source.sha256())) {
                throw new ModelBundleException(bundle.toString(), "weights file " + source.weights() + " changed after it was checked");
            }
            OnnxModel onnx = new OnnxModel(LandmarkBundle.MODEL_NAME);
            LandmarkGraph.write(source.spec(), weights, bundle + "/" + source.weights(), "image", "heatmaps", onnx);
            onnx.putMetadata("boneage.exporter", exporterDescription());
            onnx.putMetadata("boneage.source", "landmark bundle weights sha256 " + source.sha256());
            Files.createDirectories(out);
            String file = LandmarkBundle.MODEL_NAME + ModelFormat.ONNX.fileSuffix();
            Files.write(out.resolve(file), onnx.toBytes("boneage", EXPORTER_VERSION));
            Map<String, String> provenance = new LinkedHashMap<>(source.provenance());
            provenance.put("exportedFrom.sha256", source.sha256());
            provenance.put("exportedFrom.weights", source.weights());
            provenance.put("exporter", exporterDescription());
            return LandmarkBundle.write(out, source.spec(), source.sigma(), file, provenance);
        } catch (IOException e) {
            throw new ModelBundleException(bundle.toString(), "ONNX export failed: " + e.getMessage(), e);
        }
    }

    static void checkSupported(ModelManifest manifest, String source) {
        String supported = "supported: format djl-params, block factory boneage-network with a TorchScript MobileNetV2"
                + " backbone (format torchscript-backbone+djl-head) and a linear head, optionally with the sex input";
        if (manifest.format() != ModelFormat.DJL_PARAMS || manifest.block() == null
                || !"boneage-network".equals(manifest.block().factory())) {
            throw new UnsupportedExportException(source + ": cannot export a bundle of format " + manifest.format().label()
                    + (manifest.block() == null ? "" : " with block factory '" + manifest.block().factory() + "'") + " ("
                    + supported + ")");
        }
        NetworkSpec spec;
        try {
            spec = NetworkSpec.fromArguments(manifest.block().arguments());
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(source, "block arguments: " + e.getMessage(), e);
        }
        if (!spec.torchScriptBackbone()) {
            throw new UnsupportedExportException(source + ": cannot export architecture " + manifest.architecture()
                    + " (backbone " + spec.architecture() + " built by DJL) (" + supported + ")");
        }
        if (spec.chronologicalAgeInput()) {
            throw new UnsupportedExportException(source + ": cannot export architecture " + manifest.architecture()
                    + " with a chronological-age input (" + supported + ")");
        }
        if (spec.sexInput() != (manifest.sexHandling().mode() == SexHandling.Mode.SEX_INPUT)) {
            throw new ModelBundleException(source, "block argument sexInput=" + spec.sexInput()
                    + " disagrees with sexHandling " + manifest.sexHandling().mode());
        }
    }

    private static String description(ModelManifest manifest) {
        String d = "ONNX export of " + manifest.name();
        if (manifest.description() != null) {
            d += ": " + manifest.description();
        }
        return d.length() > ModelManifest.MAX_TEXT ? d.substring(0, ModelManifest.MAX_TEXT) : d;
    }

    private static ModelProvenance provenance(ModelManifest manifest, String digest) {
        ModelProvenance p = manifest.provenanceOrUnknown();
        Map<String, String> settings = new LinkedHashMap<>(p.trainerSettings());
        settings.put("exportedFrom.name", manifest.name());
        settings.put("exportedFrom.sha256", digest);
        settings.put("exportedFrom.format", manifest.format().label());
        settings.put("exporter", exporterDescription());
        return new ModelProvenance(p.trainingData(), p.split(), settings, p.validationMetrics(), p.libraryVersion(),
                p.createdAt());
    }

    /**
     * Copies the source folder's files that are neither its manifest nor its weights (calibration, reports). The
     * uncertainty calibration names the weights it belongs to (name and digest) and is refused for any other model;
     * since the export computes the same function (parity tests: within 1e-4 months), its entry is moved to the
     * exported model, and only when it named the source's own digest.
     */
    private static List<String> copyCompanions(ModelBundle source, Path out, String sourceDigest, String newName,
            String newDigest) throws IOException {
        List<String> copied = new ArrayList<>();
        if (source.folder().isEmpty()) {
            return copied;
        }
        Path folder = source.folder().get();
        Set<String> skip = new java.util.HashSet<>();
        skip.add(ManifestJson.FILE_NAME);
        source.manifest().weights().forEach(w -> skip.add(w.file()));
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (!skip.contains(name) && !Files.exists(out.resolve(name))) {
                if (name.equals(CALIBRATION_FILE) && retargetCalibration(f, out.resolve(name), sourceDigest, newName, newDigest)) {
                    copied.add(name + " (its model entry now names " + newName + ")");
                } else {
                    Files.copy(f, out.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                    copied.add(name);
                }
            }
        }
        return copied;
    }

    /** The uncertainty calibration's file name in a bundle folder (boneage-clinical's {@code UncertaintyCalibration}). */
    private static final String CALIBRATION_FILE = "uncertainty-calibration.json";

    /**
     * Writes the calibration with its {@code model} entry pointing at the exported model, when it named the source.
     *
     * @return whether it was rewritten (else the caller copies it unchanged)
     */
    private static boolean retargetCalibration(Path from, Path to, String sourceDigest, String newName, String newDigest)
            throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = json.readTree(from.toFile());
        } catch (IOException e) {
            return false;
        }
        com.fasterxml.jackson.databind.JsonNode model = root == null ? null : root.get("model");
        if (!(model instanceof com.fasterxml.jackson.databind.node.ObjectNode m) || !model.path("digest").isTextual()
                || !model.path("digest").asText().equals(sourceDigest)) {
            return false;
        }
        m.put("name", newName);
        m.put("digest", newDigest);
        json.writeValue(to.toFile(), root);
        return true;
    }
}
