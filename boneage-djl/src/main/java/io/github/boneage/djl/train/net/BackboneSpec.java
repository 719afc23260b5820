package io.github.boneage.djl.train.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a backbone's weights come from: built from scratch (random initialization), a TorchScript file (for example an
 * ImageNet feature extractor exported by {@code tools/export_backbone.py} or {@code tools/mobilenetv2_from_onnx.py}),
 * or a DJL model-zoo URL (needs the network; never used offline).
 *
 * @param architecture what the network is; {@link Architecture#TORCHSCRIPT} for loaded files whose layout we do not build
 * @param source       how the weights are obtained
 * @param location     the TorchScript file or URL; empty for {@link Source#SCRATCH}
 * @param name         a short name recorded in the manifest, e.g. {@code mobilenetv2-imagenet-int8}
 */
public record BackboneSpec(Architecture architecture, Source source, String location, String name) {

    /** How the backbone's weights are obtained. */
    public enum Source {
        /** Built by DJL (or our own block) with random initialization. */
        SCRATCH,
        /** A TorchScript file on disk, loaded with trainable parameters. */
        TORCHSCRIPT_FILE,
        /** A TorchScript model fetched from a DJL model-zoo URL (online only). */
        MODEL_ZOO_URL,
        /**
         * A model bundle written by {@code BoneAgeTrainer} (block factory {@code boneage-network}): the whole network,
         * backbone and head, starts from the bundle's weights, and keeps its architecture, input and target scaling.
         */
        BUNDLE
    }

    /**
     * Validates the fields.
     *
     * @param architecture what the network is; {@link Architecture#TORCHSCRIPT} for loaded files whose layout we do not
     *                     build
     * @param source how the weights are obtained
     * @param location the TorchScript file or URL; empty for {@link Source#SCRATCH}
     * @param name a short name recorded in the manifest, e.g. {@code mobilenetv2-imagenet-int8}
     */
    public BackboneSpec {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(source, "source");
        location = location == null ? "" : location;
        if (source == Source.SCRATCH && architecture == Architecture.TORCHSCRIPT) {
            throw new IllegalArgumentException("a TorchScript backbone cannot be built from scratch: give its file");
        }
        if (source != Source.SCRATCH && location.isEmpty()) {
            throw new IllegalArgumentException("backbone source " + source + " needs a file or URL");
        }
        name = name == null || name.isBlank() ? architecture.label() : name;
    }

    /**
     * @param architecture any architecture except {@link Architecture#TORCHSCRIPT}
     * @return a randomly initialized backbone
     */
    public static BackboneSpec scratch(Architecture architecture) {
        return new BackboneSpec(architecture, Source.SCRATCH, "", architecture.label());
    }

    /**
     * A TorchScript feature extractor: it must map {@code [N, C, H, W]} to {@code [N, F]} or {@code [N, F, 1, 1]} and
     * must have been made with {@code torch.jit.script} (traced batch norm cannot be fine-tuned).
     *
     * @param file the {@code .pt} file
     * @param name a short name for the manifest (its architecture and weights, e.g. {@code resnet50-imagenet})
     * @return the spec
     * @throws IllegalArgumentException naming the file when it does not exist
     */
    public static BackboneSpec torchScript(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("TorchScript backbone file not found: " + file);
        }
        return new BackboneSpec(Architecture.TORCHSCRIPT, Source.TORCHSCRIPT_FILE, file.toAbsolutePath().toString(), name);
    }

    /**
     * A TorchScript feature extractor from a DJL model-zoo URL ({@code djl://...} or {@code https://...}); it is
     * downloaded on first use, so this only works online and with {@code ai.djl.offline} unset.
     *
     * @param url  the model URL
     * @param name a short name for the manifest
     * @return the spec
     */
    public static BackboneSpec modelZooUrl(String url, String name) {
        return new BackboneSpec(Architecture.TORCHSCRIPT, Source.MODEL_ZOO_URL, url, name);
    }

    /**
     * Fine-tuning from a trained model bundle: its network (backbone and head) with its weights is the starting point.
     * The trainer reads the network's spec (architecture, input size, channels, sex input, head, target scaling) from
     * the bundle's manifest and refuses preprocessing or sex handling that differ from the bundle's.
     *
     * @param bundleFolder  the bundle folder (a {@code djl-params} bundle with block factory {@code boneage-network})
     * @param architecture  the bundle network's architecture ({@link Architecture#TORCHSCRIPT} for TorchScript
     *                      backbones), from its manifest's block arguments
     * @param name          the bundle network's backbone name, recorded again in the new bundle
     * @return the spec
     * @throws IllegalArgumentException naming the folder when it holds no {@code boneage-model.json}
     */
    public static BackboneSpec bundle(Path bundleFolder, Architecture architecture, String name) {
        if (!Files.isRegularFile(bundleFolder.resolve("boneage-model.json"))) {
            throw new IllegalArgumentException("not a model bundle folder (no boneage-model.json): " + bundleFolder);
        }
        return new BackboneSpec(architecture, Source.BUNDLE, bundleFolder.toAbsolutePath().toString(), name);
    }

    /** @return whether the weights come pretrained (so they get the lower backbone learning rate by default) */
    public boolean pretrained() {
        return source != Source.SCRATCH;
    }
}
