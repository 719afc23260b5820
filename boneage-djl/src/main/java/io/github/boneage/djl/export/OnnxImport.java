package io.github.boneage.djl.export;

import io.github.boneage.core.ModelProvenance;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.djl.ModelBundleException;
import io.github.boneage.djl.ModelBundleWriter;
import io.github.boneage.djl.export.impl.DjlParams;
import io.github.boneage.djl.export.impl.OnnxGraph;
import io.github.boneage.djl.export.impl.TorchScriptArchive;
import io.github.boneage.djl.impl.BundleFiles;
import io.github.boneage.djl.manifest.BlockSpec;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.ModelManifest;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.djl.manifest.SexHandling;
import io.github.boneage.djl.train.net.NetworkSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a network of an ONNX bundle written by {@link OnnxExport} back into a trainable {@code djl-params} bundle, so
 * that {@code boneage train --from} can fine-tune it (the shipped model v2's members ship as ONNX only). The inverse of
 * the export, in pure Java: the ONNX initializers are written into a copy of a <em>template</em> bundle's parameter file
 * (a {@code djl-params} bundle with the same architecture, such as {@code models/default-pytorch}), tensor by tensor and
 * by name ({@code backbone.<module path>.<tensor>}, {@code head.weight}, {@code head.bias}); the template's TorchScript
 * code and block layout are kept. Nothing is guessed: every parameter of the template must be found in the graph with
 * its shape, every parameter of the graph must be used, and the written network is exported again and compared with the
 * source graph node by node and value by value before anything is written.
 *
 * <p>Networks with the sex as an input are imported as they are. A network of a per-sex bundle assembled by
 * {@code tools/per_sex_bundle.py} has its sex input pinned inside the graph (nodes named {@code pinned_sex.*}): it is
 * imported with the sex input restored, so the result is a {@code sex-input} bundle of that one network, which was
 * trained for one sex; its manifest says so, and it is meant for fine-tuning on that sex's images, not for estimating the
 * other sex.
 */
public final class OnnxImport {

    /** The importer's own version, recorded in every imported bundle; raise it when what it writes changes. */
    public static final String IMPORTER_VERSION = "1";

    /** The node-name prefix {@code tools/per_sex_bundle.py} gives the nodes that pin a network's sex input. */
    static final String PINNED_PREFIX = "pinned_sex.";

    /**
     * What an import wrote.
     *
     * @param folder         the new bundle folder
     * @param manifest       its manifest
     * @param role           the source bundle's network that was imported
     * @param pinnedSexValue the value the source had pinned its sex input to, or {@code null} when it took the sex as an
     *                       input
     */
    public record Result(Path folder, ModelManifest manifest, NetworkRole role, Float pinnedSexValue) {
    }

    private OnnxImport() {
    }

    /** @return the importer's name and version as recorded in bundles */
    public static String importerDescription() {
        String lib = OnnxImport.class.getPackage().getImplementationVersion();
        return "boneage OnnxImport " + IMPORTER_VERSION + " (boneage " + (lib == null ? "development build" : lib) + ")";
    }

    /**
     * Imports one network of an ONNX bundle into a new {@code djl-params} bundle folder.
     *
     * @param onnxBundle the ONNX bundle (folder or zip) written by {@link OnnxExport}, possibly assembled per sex; it is
     *                   verified (SHA-256 of every weight file) first
     * @param template   a {@code djl-params} bundle of block factory {@code boneage-network} with a TorchScript
     *                   backbone of the same architecture, taking the sex as an input (for example
     *                   {@code models/default-pytorch}); only its layout is used, none of its values
     * @param role       the network to import: required for a per-sex bundle, else empty (the agnostic network)
     * @param name       the new model's name, or {@code null} for the source's name with {@code -djl} (and the role)
     * @param out        the new bundle folder; it must not exist or be empty
     * @return what was written
     * @throws ModelBundleException        naming the bundle when either bundle is invalid or the target cannot be written
     * @throws UnsupportedExportException naming what differs when the graph is not the template's network
     */
    public static Result importNetwork(Path onnxBundle, Path template, Optional<NetworkRole> role, String name, Path out) {
        try (ModelBundle source = ModelBundle.load(onnxBundle); ModelBundle start = ModelBundle.load(template)) {
            ModelManifest onnx = source.manifest();
            ModelManifest layout = start.manifest();
            if (onnx.format() != ModelFormat.ONNX) {
                throw new UnsupportedExportException(onnxBundle + ": format " + onnx.format().label() + " is not onnx;"
                        + " only ONNX bundles are imported");
            }
            OnnxExport.checkSupported(layout, template.toString());
            NetworkSpec templateSpec = NetworkSpec.fromArguments(layout.block().arguments());
            if (!templateSpec.sexInput() || layout.sexHandling().mode() != SexHandling.Mode.SEX_INPUT) {
                throw new UnsupportedExportException(template + ": the template must take the sex as an input");
            }
            if (!onnx.architecture().equals(layout.architecture())) {
                throw new UnsupportedExportException(onnxBundle + ": architecture " + onnx.architecture()
                        + " differs from the template's " + layout.architecture() + " (" + template + ")");
            }
            if (onnx.output().kind() != OutputSpec.Kind.REGRESSION || onnx.output().kind() != layout.output().kind()) {
                throw new UnsupportedExportException(onnxBundle + ": output " + onnx.output().kind()
                        + "; only regression networks like the template's are imported");
            }
            NetworkRole imported = pickRole(onnx, role, onnxBundle);
            SexHandling.SexInput encoding = layout.sexHandling().sexInput();
            if (onnx.sexHandling().mode() == SexHandling.Mode.SEX_INPUT && !onnx.sexHandling().sexInput().equals(encoding)) {
                throw new UnsupportedExportException(onnxBundle + ": sex input " + onnx.sexHandling().sexInput()
                        + " differs from the template's " + encoding);
            }
            String what = onnxBundle + " network " + imported.label();
            OnnxGraph graph = new OnnxGraph(what, source.readWeights(imported));
            Float pinned = pinnedSexValue(graph, encoding.name(), what);
            if (onnx.sexHandling().mode() == SexHandling.Mode.PER_SEX) {
                Float expected = switch (imported) {
                    case MALE -> encoding.male();
                    case FEMALE -> encoding.female();
                    case AGNOSTIC -> encoding.unknown();
                };
                if (pinned == null || !pinned.equals(expected)) {
                    throw new UnsupportedExportException(what + ": its sex input is pinned to " + pinned + ", but the"
                            + " template encodes " + imported.label() + " as " + expected);
                }
            } else if (pinned != null) {
                throw new UnsupportedExportException(what + ": a sex-input bundle whose graph pins its sex input");
            }

            String newName = name != null ? name
                    : onnx.name().replaceAll("-onnx$", "") + (pinned != null ? "-" + imported.label() : "") + "-djl";
            Map<String, String> arguments = new LinkedHashMap<>(layout.block().arguments());
            arguments.put("inputSize", Integer.toString(onnx.preprocessing().size()));
            arguments.put("targetMean", Double.toString(onnx.output().offset()));
            arguments.put("targetStd", Double.toString(onnx.output().scale()));
            BlockSpec block = new BlockSpec(layout.block().factory(), arguments);
            byte[] params = writeParams(graph, start.readWeights(NetworkRole.AGNOSTIC), template + " network agnostic", what);

            Path staging = Files.createTempDirectory("boneage-onnx-import-");
            try {
                Path file = staging.resolve(NetworkRole.AGNOSTIC.label() + "-0000.params");
                Files.write(file, params);
                ModelBundleWriter.Builder writer = ModelBundleWriter.builder()
                        .setName(newName)
                        .setArchitecture(layout.architecture())
                        .setFormat(ModelFormat.DJL_PARAMS)
                        .setPreprocessing(onnx.preprocessing())
                        .optEngine(ModelFormat.DJL_PARAMS.defaultEngine())
                        .optDescription(description(onnx, imported, pinned))
                        .optInputName(onnx.input().name())
                        .optSexHandling(layout.sexHandling())
                        .optOutput(onnx.output())
                        .optBlock(block)
                        .optProvenance(provenance(onnx, source.modelInfo().digest(), imported, pinned, layout.name(),
                                start.modelInfo().digest()))
                        .addWeights(NetworkRole.AGNOSTIC, file);
                if (pinned == null) {
                    // The same function as the source (checked below), so the source's held-out figures still hold.
                    writer.optHeldOutMetrics(onnx.heldOutMetrics());
                }
                ModelBundleWriter built = writer.build();
                verifySameGraph(built.manifest(), params, graph, what);
                // writeFolder refuses a non-empty target itself.
                built.writeFolder(out);
                copyIdLists(source, out);
                return new Result(out, built.manifest(), imported, pinned);
            } finally {
                BundleFiles.deleteRecursively(staging);
            }
        } catch (IOException e) {
            throw new ModelBundleException(onnxBundle.toString(), "ONNX import failed: " + e.getMessage(), e);
        }
    }

    private static NetworkRole pickRole(ModelManifest onnx, Optional<NetworkRole> role, Path bundle) {
        List<NetworkRole> roles = onnx.weights().stream().map(w -> w.role()).toList();
        switch (onnx.sexHandling().mode()) {
            case SEX_INPUT -> {
                if (role.isPresent() && role.get() != NetworkRole.AGNOSTIC) {
                    throw new UnsupportedExportException(bundle + ": a sex-input bundle has one network (agnostic), not "
                            + role.get().label());
                }
                return NetworkRole.AGNOSTIC;
            }
            case PER_SEX -> {
                if (role.isEmpty() || !roles.contains(role.get())) {
                    throw new UnsupportedExportException(bundle + ": a per-sex bundle holds one network per sex; name the"
                            + " one to import (its networks: " + roles.stream().map(NetworkRole::label).toList() + ")");
                }
                return role.get();
            }
            default -> throw new UnsupportedExportException(bundle + ": sexHandling " + onnx.sexHandling().mode().label()
                    + "; only sex-input bundles and per-sex bundles of sex-input networks are imported");
        }
    }

    /** @return the value a {@code ConstantOfShape} node pins the sex input to, or {@code null} when the graph takes it */
    private static Float pinnedSexValue(OnnxGraph graph, String sexName, String what) throws IOException {
        if (graph.inputs().contains(sexName)) {
            return null;
        }
        for (OnnxGraph.Node n : graph.nodes()) {
            if (n.opType().equals("ConstantOfShape") && n.outputs().equals(List.of(sexName))
                    && n.name().startsWith(PINNED_PREFIX)) {
                DjlParams.Tensor value = n.tensorAttributes().get("value");
                if (value == null || value.values().length != 1) {
                    throw new IOException(what + ": node " + n.name() + " pins the sex input without one float value");
                }
                return value.values()[0];
            }
        }
        throw new UnsupportedExportException(what + ": the graph neither takes the sex input '" + sexName
                + "' nor pins it (inputs: " + graph.inputs() + ")");
    }

    /**
     * Copies the template's parameter file with the graph's values in place of the template's: the TorchScript
     * backbone's tensors (in their zip storages) and the head's weight and bias (in the DJL parameter records).
     */
    private static byte[] writeParams(OnnxGraph graph, byte[] templateParams, String templateName, String what)
            throws IOException {
        Map<String, DjlParams.Tensor> values = graph.floatInitializers();
        Set<String> used = new HashSet<>();
        DjlParams params = new DjlParams(templateName, templateParams);
        params.blockVersion("network", 1);
        params.skipInputShapes();
        params.blockVersion("backbone", 1);
        long blobStart = params.offset() + Long.BYTES;
        byte[] blob = params.readSizedBlob("TorchScript backbone");
        TorchScriptArchive archive = new TorchScriptArchive(templateName + " backbone", blob);
        Map<TorchScriptArchive.TensorRef, float[]> replaced = new LinkedHashMap<>();
        collect(archive.root(), "backbone", values, replaced, used, what);
        byte[] newBlob = archive.withTensorValues(replaced);

        params.blockVersion("head", 3);
        params.skipSequentialMetadata();
        byte[] out = templateParams.clone();
        System.arraycopy(newBlob, 0, out, (int) blobStart, newBlob.length);
        // The head is an optional Dropout (block version 2), then the Linear (version 4: units, features, input shape).
        while (params.blockVersion("head layer", 2, 4) == 2) {
            params.skipInputShapes();
        }
        params.readLong();
        params.readLong();
        params.readShape();
        for (String p : new String[] {"weight", "bias"}) {
            DjlParams.Tensor t = params.readParameter(p);
            DjlParams.Tensor v = find(values, "head." + p, t.shape(), what);
            ByteBuffer.wrap(out, (int) params.lastValuesOffset(), 4 * v.values().length).order(params.lastValuesOrder())
                    .asFloatBuffer().put(v.values());
            used.add(v.name());
        }
        params.expectEnd();
        List<String> unused = new ArrayList<>();
        for (String n : values.keySet()) {
            // ReLU6's bounds are constants of the graph, not parameters.
            if (!used.contains(n) && !(n.endsWith(".min") || n.endsWith(".max"))) {
                unused.add(n);
            }
        }
        if (!unused.isEmpty()) {
            throw new UnsupportedExportException(what + ": the graph has parameters the template's network lacks: "
                    + unused.subList(0, Math.min(5, unused.size())) + (unused.size() > 5 ? " and " + (unused.size() - 5) + " more" : ""));
        }
        return out;
    }

    private static void collect(TorchScriptArchive.Module m, String path, Map<String, DjlParams.Tensor> values,
            Map<TorchScriptArchive.TensorRef, float[]> replaced, Set<String> used, String what) throws IOException {
        for (Map.Entry<String, Object> a : m.attributes().entrySet()) {
            String at = path + "." + a.getKey();
            if (a.getValue() instanceof TorchScriptArchive.Module child) {
                collect(child, at, values, replaced, used, what);
            } else if (a.getValue() instanceof TorchScriptArchive.TensorRef ref && "FloatStorage".equals(ref.storageType())) {
                DjlParams.Tensor v = find(values, at, ref.shape(), what);
                replaced.put(ref, v.values());
                used.add(at);
            }
            // Integer buffers (BatchNorm's num_batches_tracked) have no ONNX counterpart and stay as they are.
        }
    }

    private static DjlParams.Tensor find(Map<String, DjlParams.Tensor> values, String name, long[] shape, String what) {
        DjlParams.Tensor v = values.get(name);
        if (v == null) {
            throw new UnsupportedExportException(what + ": the graph has no parameter " + name + ", which the template's"
                    + " network has; it is not this architecture's export");
        }
        if (!Arrays.equals(v.shape(), shape)) {
            throw new UnsupportedExportException(what + ": parameter " + name + " has shape " + Arrays.toString(v.shape())
                    + ", the template's " + Arrays.toString(shape));
        }
        return v;
    }

    /**
     * Exports the written network again and compares it with the source graph: the same nodes in the same order (but
     * for the nodes that pinned the sex input) with the same attributes, and bit-identical parameters.
     */
    private static void verifySameGraph(ModelManifest manifest, byte[] params, OnnxGraph source, String what)
            throws IOException {
        OnnxGraph again = new OnnxGraph(what + " (imported, exported again)", OnnxExport.toOnnx(manifest, params, what));
        List<OnnxGraph.Node> expected = source.nodes().stream().filter(n -> !n.name().startsWith(PINNED_PREFIX)).toList();
        List<OnnxGraph.Node> got = again.nodes();
        for (int i = 0; i < Math.max(expected.size(), got.size()); i++) {
            OnnxGraph.Node e = i < expected.size() ? expected.get(i) : null;
            OnnxGraph.Node g = i < got.size() ? got.get(i) : null;
            if (e == null || g == null || !sameNode(e, g)) {
                throw new UnsupportedExportException(what + ": the imported network differs from the graph at node " + i
                        + " (" + describe(e) + " in the graph, " + describe(g) + " imported)");
            }
        }
        for (Map.Entry<String, DjlParams.Tensor> t : again.floatInitializers().entrySet()) {
            DjlParams.Tensor s = source.floatInitializers().get(t.getKey());
            if (s == null || !Arrays.equals(s.shape(), t.getValue().shape()) || !Arrays.equals(s.values(), t.getValue().values())) {
                throw new UnsupportedExportException(what + ": parameter " + t.getKey() + " differs after the import");
            }
        }
    }

    private static boolean sameNode(OnnxGraph.Node a, OnnxGraph.Node b) {
        if (!a.opType().equals(b.opType()) || !a.name().equals(b.name()) || !a.inputs().equals(b.inputs())
                || !a.outputs().equals(b.outputs()) || !a.attributes().keySet().equals(b.attributes().keySet())) {
            return false;
        }
        return a.attributes().equals(b.attributes());
    }

    private static String describe(OnnxGraph.Node n) {
        return n == null ? "nothing" : n.opType() + " " + n.name();
    }

    private static String description(ModelManifest onnx, NetworkRole role, Float pinned) {
        String d = "Trainable import of " + onnx.name() + (pinned == null ? ""
                : role == NetworkRole.AGNOSTIC ? " network agnostic (the one for patients of unknown sex), its sex input restored"
                : " network " + role.label() + ", trained for " + role.label() + " patients only: fine-tune it on those"
                        + " images; it is not a model for the other sex");
        return d.length() > ModelManifest.MAX_TEXT ? d.substring(0, ModelManifest.MAX_TEXT) : d;
    }

    private static ModelProvenance provenance(ModelManifest onnx, String digest, NetworkRole role, Float pinned,
            String templateName, String templateDigest) {
        ModelProvenance p = onnx.provenanceOrUnknown();
        Map<String, String> settings = new LinkedHashMap<>();
        String prefix = pinned == null ? "" : role.label() + ".";
        p.trainerSettings().forEach((k, v) -> {
            // A per-sex bundle's settings are prefixed by role; the imported network keeps its own, unprefixed.
            if (pinned == null) {
                settings.put(k, v);
            } else if (k.startsWith(prefix)) {
                settings.put(k.substring(prefix.length()), v);
            }
        });
        settings.put("importedFrom.name", onnx.name());
        settings.put("importedFrom.sha256", digest);
        settings.put("importedFrom.role", role.label());
        if (pinned != null) {
            settings.put("importedFrom.pinnedSex", Float.toString(pinned));
        }
        settings.put("importTemplate", templateName + " (weights sha256 " + templateDigest + "; its layout only)");
        settings.put("importer", importerDescription());
        return new ModelProvenance(p.trainingData(), p.split(), settings, pinned == null ? p.validationMetrics() : Map.of(),
                p.libraryVersion(), p.createdAt());
    }

    /** Copies the id lists beside the source, so that fine-tuning keeps the source's held-out images out of training. */
    private static void copyIdLists(ModelBundle source, Path out) throws IOException {
        if (source.folder().isEmpty()) {
            return;
        }
        for (String file : new String[] {"held-out-ids.txt", "training-ids.txt", "validation-ids.txt"}) {
            Path f = source.folder().get().resolve(file);
            if (Files.isRegularFile(f)) {
                Files.copy(f, out.resolve(file));
            }
        }
    }
}
