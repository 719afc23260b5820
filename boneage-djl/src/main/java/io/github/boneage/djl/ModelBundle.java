package io.github.boneage.djl;

import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.djl.impl.BundleFiles;
import io.github.boneage.djl.manifest.ManifestJson;
import io.github.boneage.djl.manifest.ModelManifest;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.SexHandling;
import io.github.boneage.djl.manifest.WeightsFile;
import io.github.boneage.djl.impl.BundleZip;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A self-describing model: a folder (or a {@code .zip} of one) holding the weight files and
 * {@code boneage-model.json} ({@link ModelManifest}). {@link #load(Path)} parses the manifest, checks its numbers
 * ({@link ModelManifest#validate()}), and checks every weight file against its SHA-256, so a loaded bundle is complete
 * and untampered. Write bundles with {@link ModelBundleWriter}.
 *
 * <p>Only the exact files the manifest names are ever read, and an engine only ever sees checked bytes:
 * {@link #readWeights(NetworkRole)} reads a weights file once into memory, checks the SHA-256 of those very bytes,
 * and the estimator hands that array to the engine ({@code Model.load(InputStream)}). So a decoy file beside the named
 * one (DJL's own loaders search a folder for several candidate names), or a file swapped after {@link #load(Path)}
 * checked it, can never run under the checked digest.
 *
 * <p>A zip is never extracted: the manifest is read from the zip first, then only the entries it names are inflated,
 * in memory, under {@link BundleLimits} (entry count, per-file and total size, compression ratio; entry names that are
 * absolute, climb out with {@code ..} or appear twice are refused). Nothing is written to disk, so neither a zip bomb
 * nor an interrupted run leaves anything behind. The format is described in {@code docs/model-bundle.md}.
 */
public final class ModelBundle implements AutoCloseable {

    private final Path source;
    private final String name;
    private final Path folder;
    private final Path zip;
    private final String zipPrefix;
    private final ModelManifest manifest;
    private final BundleLimits limits;
    private final String digest;
    private volatile boolean closed;

    private ModelBundle(Path source, Path folder, Path zip, String zipPrefix, ModelManifest manifest, BundleLimits limits) {
        this.source = source;
        this.name = source.toString();
        this.folder = folder;
        this.zip = zip;
        this.zipPrefix = zipPrefix;
        this.manifest = manifest;
        this.limits = limits;
        this.digest = combinedDigest(manifest);
    }

    /**
     * Loads and verifies a bundle with the {@link BundleLimits#defaults() default limits}.
     *
     * @param path the bundle's folder, its {@code .zip}, or its {@code boneage-model.json}
     * @return the bundle
     * @throws ModelBundleException naming the path, when a file is missing, the manifest is malformed, of an unknown
     *                              format version or holds implausible numbers, a weight file's SHA-256 differs from
     *                              the manifest, or a limit is broken
     */
    public static ModelBundle load(Path path) {
        return load(path, BundleLimits.defaults());
    }

    /**
     * Loads and verifies a bundle.
     *
     * @param path   the bundle's folder, its {@code .zip}, or its {@code boneage-model.json}
     * @param limits the size and zip limits to read it under
     * @return the bundle
     * @throws ModelBundleException naming the path (and the entry or field), when a file is missing, the manifest is
     *                              malformed, of an unknown format version or holds implausible numbers, a weight
     *                              file's SHA-256 differs from the manifest, a zip entry name is unsafe, or a limit is
     *                              broken
     */
    public static ModelBundle load(Path path, BundleLimits limits) {
        Objects.requireNonNull(limits, "limits");
        String name = path.toString();
        if (!Files.exists(path)) {
            throw new ModelBundleException(name, "no such file or folder");
        }
        try {
            if (Files.isDirectory(path)) {
                return loadFolder(path, folderWithManifest(path, name), limits);
            } else if (path.getFileName().toString().equals(ManifestJson.FILE_NAME)) {
                return loadFolder(path, path.toAbsolutePath().getParent(), limits);
            } else if (isZip(path)) {
                return loadZip(path, limits);
            }
            throw new ModelBundleException(name, "neither a folder, a .zip nor " + ManifestJson.FILE_NAME);
        } catch (IOException e) {
            throw new ModelBundleException(name, "cannot read: " + e, e);
        }
    }

    private static ModelBundle loadFolder(Path source, Path root, BundleLimits limits) throws IOException {
        String name = source.toString();
        Path manifestFile = root.resolve(ManifestJson.FILE_NAME);
        byte[] json = readFile(manifestFile, limits.maxManifestBytes(), "maxManifestBytes", name, ManifestJson.FILE_NAME);
        ModelManifest manifest = parseManifest(json, name);
        long total = json.length;
        for (WeightsFile w : manifest.weights()) {
            Path file = weightsFile(root, w, name);
            long size = Files.size(file);
            if (size > limits.maxEntryBytes()) {
                throw new ModelBundleException(name, "weights file " + w.file() + " has " + size + " bytes, over the limit of "
                        + limits.maxEntryBytes() + " bytes (BundleLimits.maxEntryBytes)");
            }
            total += size;
            checkTotal(total, limits, name, w.file());
            MessageDigest md = BundleFiles.newSha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            checkDigest(w, HexFormat.of().formatHex(md.digest()), name);
        }
        return new ModelBundle(source, root, null, null, manifest, limits);
    }

    private static ModelBundle loadZip(Path source, BundleLimits limits) throws IOException {
        String name = source.toString();
        try (BundleZip z = BundleZip.open(source, name, limits, ManifestJson.FILE_NAME)) {
            byte[] json = z.read(ManifestJson.FILE_NAME, limits.maxManifestBytes(), "maxManifestBytes");
            // The manifest comes first: only the entries it names are ever inflated, and only under the limits.
            ModelManifest manifest = parseManifest(json, name);
            long total = json.length;
            for (WeightsFile w : manifest.weights()) {
                MessageDigest md = BundleFiles.newSha256();
                total += z.digest(w.file(), limits.maxEntryBytes(), "maxEntryBytes", md);
                checkTotal(total, limits, name, w.file());
                checkDigest(w, HexFormat.of().formatHex(md.digest()), name);
            }
            return new ModelBundle(source, null, source, z.prefix(), manifest, limits);
        }
    }

    private static void checkTotal(long total, BundleLimits limits, String name, String file) {
        if (total > limits.maxTotalBytes()) {
            throw new ModelBundleException(name, "the manifest and weights files up to " + file + " come to " + total
                    + " bytes or more, over the limit of " + limits.maxTotalBytes() + " bytes (BundleLimits.maxTotalBytes)");
        }
    }

    private static void checkDigest(WeightsFile w, String actual, String name) {
        if (!actual.equals(w.sha256())) {
            throw new ModelBundleException(name, "weights file " + w.file() + " has SHA-256 " + actual
                    + " but the manifest says " + w.sha256() + " (corrupt or replaced file)");
        }
    }

    /** @return the named file, which must be a regular file inside the bundle's folder */
    private static Path weightsFile(Path root, WeightsFile w, String name) {
        Path base = root.toAbsolutePath().normalize();
        Path file = base.resolve(w.file()).normalize();
        if (!file.startsWith(base)) {
            // The manifest check refuses '..' already; this guards the resolution itself.
            throw new ModelBundleException(name, "weights file " + w.file() + " points outside the bundle");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelBundleException(name, "weights file " + w.file() + " (role " + w.role().label() + ") is missing");
        }
        return file;
    }

    /** Reads a whole file of at most {@code max} bytes; a file that grows past its size while read is refused. */
    private static byte[] readFile(Path file, long max, String limitName, String name, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ModelBundleException(name, what + " is missing");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(max, BundleLimits.MAX_ARRAY_BYTES));
            if (in.read() >= 0) {
                throw new ModelBundleException(name, what + " is larger than the limit of " + max + " bytes (BundleLimits."
                        + limitName + ")");
            }
            return bytes;
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
            children = s.limit(2).toList();
        }
        if (children.size() == 1 && Files.isRegularFile(children.get(0).resolve(ManifestJson.FILE_NAME))) {
            return children.get(0);
        }
        throw new ModelBundleException(name, ManifestJson.FILE_NAME + " is missing");
    }

    private static ModelManifest parseManifest(byte[] json, String name) {
        try {
            return ManifestJson.read(json, ManifestJson.FILE_NAME);
        } catch (InputFormatException e) {
            throw new ModelBundleException(name, e.getMessage(), e);
        }
    }

    /**
     * Reads one network's weights file into memory, exactly once, and checks the SHA-256 of those bytes against the
     * manifest. Give the engine this array (not the file's path): the bytes that run are then the bytes that were
     * checked, whatever happens to the files afterwards.
     *
     * @param role a role present in the bundle
     * @return the checked bytes of the file the manifest names for the role
     * @throws ModelBundleException     naming the bundle and file when it is missing, over
     *                                  {@link BundleLimits#maxEntryBytes()}, or its SHA-256 differs from the manifest
     *                                  (changed since {@link #load(Path)})
     * @throws IllegalArgumentException if the bundle has no such network
     * @throws IllegalStateException    if the bundle is closed
     */
    public byte[] readWeights(NetworkRole role) {
        if (closed) {
            throw new IllegalStateException("model bundle " + name + " is closed");
        }
        WeightsFile w = manifest.weightsFor(role);
        if (w == null) {
            throw new IllegalArgumentException("model bundle " + source + " has no " + role.label() + " network");
        }
        byte[] bytes;
        try {
            if (zip != null) {
                try (BundleZip z = BundleZip.open(zip, name, limits, ManifestJson.FILE_NAME)) {
                    if (!z.prefix().equals(zipPrefix)) {
                        throw new ModelBundleException(name, "the zip changed since it was loaded (manifest moved)");
                    }
                    bytes = z.readAll(w.file(), limits.maxEntryBytes(), "maxEntryBytes");
                }
            } else {
                bytes = readFile(weightsFile(folder, w, name), limits.maxEntryBytes(), "maxEntryBytes", name,
                        "weights file " + w.file());
            }
        } catch (IOException e) {
            throw new ModelBundleException(name, "cannot read weights file " + w.file() + ": " + e, e);
        }
        checkDigest(w, BundleFiles.sha256(bytes), name);
        return bytes;
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

    /** @return the path the bundle was loaded from (folder, zip or manifest) */
    public Path source() {
        return source;
    }

    /** @return the folder holding the manifest and weights; empty for a zip bundle, which is never extracted */
    public Optional<Path> folder() {
        return Optional.ofNullable(folder);
    }

    /** @return whether the bundle was loaded from a zip */
    public boolean isZip() {
        return zip != null;
    }

    /** @return the limits the bundle is read under */
    public BundleLimits limits() {
        return limits;
    }

    /** @return the manifest */
    public ModelManifest manifest() {
        return manifest;
    }

    /**
     * @param role a network role
     * @return the weight file of that role in a folder bundle; empty for a zip bundle or a role the bundle lacks. Do
     *         not hand this path to an engine: use {@link #readWeights(NetworkRole)}, which checks the bytes it returns
     */
    public Optional<Path> weightsPath(NetworkRole role) {
        WeightsFile w = manifest.weightsFor(role);
        return w == null || folder == null ? Optional.empty() : Optional.of(folder.resolve(w.file()));
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
        return new ModelInfo(manifest.name(), manifest.architecture(), digest, manifest.provenanceOrUnknown(),
                manifest.heldOutMetrics());
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
        // The held-out figures are the model's as a whole (both networks), which is what this network's estimates belong to.
        return new ModelInfo(manifest.name() + " (" + role.label() + " network)", manifest.architecture(), w.sha256(),
                manifest.provenanceOrUnknown(), manifest.heldOutMetrics());
    }

    /**
     * Marks the bundle closed: {@link #readWeights(NetworkRole)} is refused afterwards. A bundle holds no open files
     * and never extracts anything, so there is nothing to delete. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "ModelBundle[" + source + ", " + manifest.name() + ", " + manifest.format().label() + " on " + manifest.engine() + "]";
    }
}
