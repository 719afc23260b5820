package io.github.boneage.djl;

import io.github.boneage.core.HeldOutMetrics;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.djl.impl.BundleFiles;
import io.github.boneage.djl.manifest.BlockSpec;
import io.github.boneage.djl.manifest.InputSpec;
import io.github.boneage.djl.manifest.ManifestJson;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.ModelManifest;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.djl.manifest.SexHandling;
import io.github.boneage.djl.manifest.WeightsFile;
import io.github.boneage.preprocess.PreprocessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a model bundle from weight files and the facts of the manifest: the weight files are copied next to
 * {@code boneage-model.json}, whose SHA-256 entries are computed here. Used by trainers and by anyone packaging an
 * ONNX or TorchScript model of their own.
 *
 * <pre>{@code
 * ModelBundleWriter.builder()
 *         .setName("boneage-resnet50-roi2")
 *         .setArchitecture("resnet50")
 *         .setFormat(ModelFormat.ONNX)
 *         .setPreprocessing(PreprocessSpec.paper(RoiScheme.ROI2, 224))
 *         .addWeights(NetworkRole.MALE, Path.of("male.onnx"))
 *         .addWeights(NetworkRole.FEMALE, Path.of("female.onnx"))
 *         .optSexHandling(SexHandling.perSex())
 *         .optOutput(OutputSpec.regression(41.2, 127.3))
 *         .build()
 *         .writeZip(Path.of("boneage-resnet50-roi2.zip"));
 * }</pre>
 */
public final class ModelBundleWriter {

    private final ModelManifest manifest;
    private final Map<String, Path> sources;

    private ModelBundleWriter(ModelManifest manifest, Map<String, Path> sources) {
        this.manifest = manifest;
        this.sources = sources;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the manifest that will be written */
    public ModelManifest manifest() {
        return manifest;
    }

    /**
     * Writes the bundle as a folder.
     *
     * @param folder the folder to create; it must not exist or be empty
     * @return {@code folder}
     * @throws ModelBundleException naming the folder when it is not empty or cannot be written
     */
    public Path writeFolder(Path folder) {
        try {
            if (Files.exists(folder)) {
                try (Stream<Path> s = Files.list(folder)) {
                    if (s.findAny().isPresent()) {
                        throw new ModelBundleException(folder.toString(), "target folder is not empty");
                    }
                }
            }
            Files.createDirectories(folder);
            for (WeightsFile w : manifest.weights()) {
                Path target = folder.resolve(w.file());
                Files.createDirectories(target.getParent());
                Files.copy(sources.get(w.file()), target, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.write(folder.resolve(ManifestJson.FILE_NAME), ManifestJson.writeBytes(manifest));
            return folder;
        } catch (IOException e) {
            throw new ModelBundleException(folder.toString(), "cannot write: " + e, e);
        }
    }

    /**
     * Writes the bundle as a zip with the manifest and the weight files at its top level.
     *
     * @param zip the zip file to write (replaced if present)
     * @return {@code zip}
     * @throws ModelBundleException naming the zip when it cannot be written
     */
    public Path writeZip(Path zip) {
        Path staging = null;
        try {
            staging = Files.createTempDirectory("boneage-bundle-write-");
            Path folder = writeFolder(staging.resolve("bundle"));
            List<String> entries = new ArrayList<>();
            entries.add(ManifestJson.FILE_NAME);
            manifest.weights().forEach(w -> entries.add(w.file()));
            Path parent = zip.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            BundleFiles.zip(folder, entries, zip);
            return zip;
        } catch (IOException e) {
            throw new ModelBundleException(zip.toString(), "cannot write: " + e, e);
        } finally {
            if (staging != null) {
                try {
                    BundleFiles.deleteRecursively(staging);
                } catch (IOException e) {
                    staging.toFile().deleteOnExit();
                }
            }
        }
    }

    /** Builder: {@code setX} for required fields, {@code optX} for optional ones. */
    public static final class Builder {
        private String name;
        private String description;
        private String architecture;
        private ModelFormat format;
        private String engine;
        private PreprocessSpec preprocessing;
        private final Map<NetworkRole, Path> weights = new EnumMap<>(NetworkRole.class);
        private String inputName = "image";
        private SexHandling sexHandling = SexHandling.agnostic();
        private OutputSpec output = OutputSpec.regression(1, 0);
        private BlockSpec block;
        private ModelProvenance provenance;
        private HeldOutMetrics heldOutMetrics;

        private Builder() {
        }

        /**
         * @param name the model's name
         * @return this builder, with the model's name set (required)
         */
        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        /**
         * @param architecture the network architecture, e.g. {@code resnet50}
         * @return this builder, with the architecture set (required), e.g. {@code resnet50}
         */
        public Builder setArchitecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        /**
         * @param format the weights' format
         * @return this builder, with the weights' format set (required); it also picks the engine
         */
        public Builder setFormat(ModelFormat format) {
            this.format = format;
            return this;
        }

        /**
         * @param preprocessing the preprocessing the network was trained with
         * @return this builder, with the preprocessing the network was trained with set (required)
         */
        public Builder setPreprocessing(PreprocessSpec preprocessing) {
            this.preprocessing = preprocessing;
            return this;
        }

        /**
         * Adds a network's weights (at least one is required).
         *
         * @param role which patients it is for: {@code agnostic} for {@code agnostic} and {@code sex-input} bundles,
         *             {@code male} and {@code female} (and optionally {@code agnostic}) for {@code per-sex} ones
         * @param file the weight file; for {@code djl-params}, as {@code Model.save} wrote it ({@code <prefix>-<epoch>.params})
         * @return this builder
         */
        public Builder addWeights(NetworkRole role, Path file) {
            weights.put(Objects.requireNonNull(role, "role"), Objects.requireNonNull(file, "file"));
            return this;
        }

        /**
         * @param description a description of the model
         * @return this builder, with a description set
         */
        public Builder optDescription(String description) {
            this.description = description;
            return this;
        }

        /**
         * @param engine the DJL engine name, e.g. {@code PyTorch}
         * @return this builder, with the engine set; only {@code djl-params} may use another than the format's default
         */
        public Builder optEngine(String engine) {
            this.engine = engine;
            return this;
        }

        /**
         * @param inputName the name of the network's image input
         * @return this builder, with the image input's name set (default {@code image})
         */
        public Builder optInputName(String inputName) {
            this.inputName = Objects.requireNonNull(inputName);
            return this;
        }

        /**
         * @param sexHandling how the model uses the patient's sex
         * @return this builder, with the sex handling set (default {@code agnostic})
         */
        public Builder optSexHandling(SexHandling sexHandling) {
            this.sexHandling = Objects.requireNonNull(sexHandling);
            return this;
        }

        /**
         * @param output the output head and how its values become months
         * @return this builder, with the output head set (default: regression in months, scale 1, offset 0)
         */
        public Builder optOutput(OutputSpec output) {
            this.output = Objects.requireNonNull(output);
            return this;
        }

        /**
         * @param block the block factory and its arguments
         * @return this builder, with the block factory of a {@code djl-params} bundle set
         */
        public Builder optBlock(BlockSpec block) {
            this.block = block;
            return this;
        }

        /**
         * @param provenance where the model came from: data, split, settings, metrics
         * @return this builder, with the model's provenance set
         */
        public Builder optProvenance(ModelProvenance provenance) {
            this.provenance = provenance;
            return this;
        }

        /**
         * @param metrics the model's accuracy on held-out images used neither for training nor for selecting it
         *                (reports quote it); leave unset when no such evaluation was made
         * @return this builder
         */
        public Builder optHeldOutMetrics(HeldOutMetrics metrics) {
            this.heldOutMetrics = metrics;
            return this;
        }

        /**
         * Hashes the weight files and validates the manifest.
         *
         * @return the writer
         * @throws IllegalArgumentException naming the field when the manifest would be invalid
         * @throws ModelBundleException naming a weight file that cannot be read
         */
        public ModelBundleWriter build() {
            Objects.requireNonNull(format, "format is required (setFormat)");
            Objects.requireNonNull(preprocessing, "preprocessing is required (setPreprocessing)");
            List<WeightsFile> entries = new ArrayList<>();
            Map<String, Path> sources = new HashMap<>();
            Set<String> names = new HashSet<>();
            for (Map.Entry<NetworkRole, Path> e : weights.entrySet()) {
                Path file = e.getValue();
                String fileName = file.getFileName().toString();
                if (!names.add(fileName)) {
                    fileName = e.getKey().label() + "-" + fileName;
                    names.add(fileName);
                }
                try {
                    entries.add(new WeightsFile(e.getKey(), fileName, BundleFiles.sha256(file)));
                } catch (IOException ex) {
                    throw new ModelBundleException(name, "cannot read weights file " + file + ": " + ex, ex);
                }
                sources.put(fileName, file);
            }
            InputSpec input = new InputSpec(inputName, InputSpec.NCHW, preprocessing.channels(), preprocessing.size(),
                    preprocessing.size());
            ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT_VERSION, name, description, architecture,
                    engine == null ? format.defaultEngine() : engine, format, entries, block, input, preprocessing, sexHandling,
                    output, provenance, heldOutMetrics);
            manifest.validate();
            return new ModelBundleWriter(manifest, sources);
        }
    }
}
