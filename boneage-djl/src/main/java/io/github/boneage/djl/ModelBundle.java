package io.github.boneage.djl;

import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.djl.impl.BundleFiles;
import io.github.boneage.djl.manifest.ManifestJson;
import io.github.boneage.djl.manifest.ModelManifest;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.SexHandling;
import io.github.boneage.djl.manifest.WeightsFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A self-describing model: a folder (or a {@code .zip} of one) holding the weight files and
 * {@code boneage-model.json} ({@link ModelManifest}). {@link #load(Path)} parses the manifest and checks every
 * weight file against its SHA-256, so a loaded bundle is complete and untampered. Write bundles with
 * {@link ModelBundleWriter}.
 *
 * <p>A zip is extracted into a temporary folder that {@link #close()} deletes. The format is described in
 * {@code docs/model-bundle.md}.
 */
public final class ModelBundle implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelBundle.class);

    private final Path source;
    private final Path root;
    private final Path extracted;
    private final ModelManifest manifest;
    private final String digest;

    private ModelBundle(Path source, Path root, Path extracted, ModelManifest manifest) {
        this.source = source;
        this.root = root;
        this.extracted = extracted;
        this.manifest = manifest;
        this.digest = combinedDigest(manifest);
    }

    /**
     * Loads and verifies a bundle.
     *
     * @param path the bundle's folder, its {@code .zip}, or its {@code boneage-model.json}
     * @return the bundle; close it (or the estimator that owns it) to delete a zip's extracted files
     * @throws ModelBundleException naming the path, when a file is missing, the manifest is malformed or of an unknown
     *                              format version, or a weight file's SHA-256 differs from the manifest
     */
    public static ModelBundle load(Path path) {
        String name = path.toString();
        if (!Files.exists(path)) {
            throw new ModelBundleException(name, "no such file or folder");
        }
        Path extracted = null;
        try {
            Path root;
            if (Files.isDirectory(path)) {
                root = path;
            } else if (path.getFileName().toString().equals(ManifestJson.FILE_NAME)) {
                root = path.toAbsolutePath().getParent();
            } else if (isZip(path)) {
                extracted = Files.createTempDirectory("boneage-bundle-");
                BundleFiles.unzip(path, extracted);
                root = extracted;
            } else {
                throw new ModelBundleException(name, "neither a folder, a .zip nor " + ManifestJson.FILE_NAME);
            }
            root = folderWithManifest(root, name);
            ModelManifest manifest = readManifest(root.resolve(ManifestJson.FILE_NAME), name);
            verifyWeights(root, manifest, name);
            return new ModelBundle(path, root, extracted, manifest);
        } catch (IOException e) {
            deleteQuietly(extracted);
            throw new ModelBundleException(name, "cannot read: " + e, e);
        } catch (RuntimeException e) {
            deleteQuietly(extracted);
            throw e;
        }
    }

    private static boolean isZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        }
    }

    /** A zip made of a folder has that folder at its top; accept it as well as files at the top. */
    private static Path folderWithManifest(Path root, String name) throws IOException {
        if (Files.isRegularFile(root.resolve(ManifestJson.FILE_NAME))) {
            return root;
        }
        List<Path> children;
        try (Stream<Path> s = Files.list(root)) {
            children = s.toList();
        }
        if (children.size() == 1 && Files.isRegularFile(children.get(0).resolve(ManifestJson.FILE_NAME))) {
            return children.get(0);
        }
        throw new ModelBundleException(name, ManifestJson.FILE_NAME + " is missing");
    }

    private static ModelManifest readManifest(Path file, String name) throws IOException {
        try {
            return ManifestJson.read(Files.readAllBytes(file), ManifestJson.FILE_NAME);
        } catch (InputFormatException e) {
            throw new ModelBundleException(name, e.getMessage(), e);
        }
    }

    private static void verifyWeights(Path root, ModelManifest manifest, String name) throws IOException {
        for (WeightsFile w : manifest.weights()) {
            Path file = root.resolve(w.file());
            if (!Files.isRegularFile(file)) {
                throw new ModelBundleException(name, "weights file " + w.file() + " (role " + w.role().label() + ") is missing");
            }
            String actual = BundleFiles.sha256(file);
            if (!actual.equals(w.sha256())) {
                throw new ModelBundleException(name, "weights file " + w.file() + " has SHA-256 " + actual
                        + " but the manifest says " + w.sha256() + " (corrupt or replaced file)");
            }
        }
    }

    /**
     * One network: its file's digest. Several: SHA-256 of the lines {@code <role> <sha256>\n} in role order, so the
     * digest changes when any network changes.
     */
    private static String combinedDigest(ModelManifest manifest) {
        if (manifest.weights().size() == 1) {
            return manifest.weights().get(0).sha256();
        }
        StringBuilder sb = new StringBuilder();
        for (NetworkRole role : NetworkRole.values()) {
            WeightsFile w = manifest.weightsFor(role);
            if (w != null) {
                sb.append(role.label()).append(' ').append(w.sha256()).append('\n');
            }
        }
        return BundleFiles.sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            BundleFiles.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("cannot delete extracted bundle {}: {}", dir, e.toString());
        }
    }

    /** @return the path the bundle was loaded from (folder, zip or manifest) */
    public Path source() {
        return source;
    }

    /** @return the folder holding the manifest and weights (a temporary folder for a zip) */
    public Path root() {
        return root;
    }

    /** @return the manifest */
    public ModelManifest manifest() {
        return manifest;
    }

    /** @return the weight file of a role, if the bundle has one */
    public Optional<Path> weightsPath(NetworkRole role) {
        WeightsFile w = manifest.weightsFor(role);
        return w == null ? Optional.empty() : Optional.of(root.resolve(w.file()));
    }

    /** @return the network roles present, in role order */
    public List<NetworkRole> roles() {
        List<NetworkRole> roles = new ArrayList<>();
        for (NetworkRole r : NetworkRole.values()) {
            if (manifest.weightsFor(r) != null) {
                roles.add(r);
            }
        }
        return roles;
    }

    /**
     * @return the whole model's identity; its digest is the weight file's SHA-256, or for several networks the SHA-256
     *         of the lines {@code <role> <sha256>\n} in role order (agnostic, male, female)
     */
    public ModelInfo modelInfo() {
        return new ModelInfo(manifest.name(), manifest.architecture(), digest, manifest.provenanceOrUnknown());
    }

    /**
     * @param role a role present in the bundle
     * @return the identity of that network: for {@code per-sex} bundles the name gets the role appended, e.g.
     *         {@code "my-model (female network)"}, and the digest is that file's SHA-256; otherwise {@link #modelInfo()}
     * @throws IllegalArgumentException if the bundle has no such network
     */
    public ModelInfo modelInfo(NetworkRole role) {
        WeightsFile w = manifest.weightsFor(role);
        if (w == null) {
            throw new IllegalArgumentException("model bundle " + source + " has no " + role.label() + " network");
        }
        if (manifest.sexHandling().mode() != SexHandling.Mode.PER_SEX) {
            return modelInfo();
        }
        return new ModelInfo(manifest.name() + " (" + role.label() + " network)", manifest.architecture(), w.sha256(),
                manifest.provenanceOrUnknown());
    }

    /** Deletes the files extracted from a zip; a folder bundle is left untouched. Idempotent. */
    @Override
    public void close() {
        deleteQuietly(extracted);
    }

    @Override
    public String toString() {
        return "ModelBundle[" + source + ", " + manifest.name() + ", " + manifest.format().label() + " on " + manifest.engine() + "]";
    }
}
