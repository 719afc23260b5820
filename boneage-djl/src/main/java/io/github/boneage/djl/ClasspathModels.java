package io.github.boneage.djl;

import io.github.boneage.djl.impl.BundleFiles;
import io.github.boneage.djl.landmarks.LandmarkBundle;
import io.github.boneage.djl.manifest.ManifestJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds model bundles packaged as jars on the classpath, such as the default model of
 * {@code io.github.boneage:boneage-model-v2}:
 *
 * <pre>{@code
 * try (ClasspathModel model = ClasspathModels.open(ClasspathModels.DEFAULT);
 *      BoneAgeEstimator estimator = BoneAgeEstimators.open(model.path())) {
 *     ...
 * }
 * }</pre>
 *
 * <p>A model artifact holds a descriptor {@code META-INF/boneage/models/<name>.properties} with the keys
 * {@code name}, {@code version}, {@code root} (the resource folder holding the bundle, versioned:
 * {@code io/github/boneage/models/<name>/<version>}) and {@code files} (the comma-separated files in that folder,
 * {@code /}-separated paths for those in sub-folders such as an ensemble's members, as a class loader cannot list a
 * folder inside a jar; one of them is the bundle's manifest: {@code boneage-model.json}, {@code boneage-ensemble.json}
 * or {@code landmark-model.json}). {@link #open(String)} copies those files into a private
 * temporary folder, because the engines load weights from files; {@link ModelBundle#load(Path)} then checks every
 * weight file against its SHA-256 as for any bundle. The layout is described in {@code docs/model-bundle.md}.
 */
public final class ClasspathModels {

    /**
     * The name of the default model, model v2 (an ensemble of a whole-image, an ROI1 and an ROI2 network; open it with
     * {@link BoneAgeEstimators#open}), packaged by {@code io.github.boneage:boneage-model-v2}. Its region members need
     * the learned landmark detector of {@code boneage-model-default}.
     */
    public static final String DEFAULT = "v2";

    /**
     * The name of model v1, one whole-image network, packaged by {@code io.github.boneage:boneage-model-default} together
     * with the learned landmark detector; the artifact's and the resource's name date from when it was the default.
     */
    public static final String V1 = "default";
    /**
     * The learned landmark detector's bundle, packaged with model v1 in {@code boneage-model-default} (opened by
     * {@code LandmarkDetectors} when the checkout's {@code models/landmarks} is absent).
     */
    public static final String LANDMARKS = "landmarks";

    /** The resource folder holding the descriptors, {@code <name>.properties}. */
    public static final String DESCRIPTOR_FOLDER = "META-INF/boneage/models/";

    /** The dependency that packages {@link #DEFAULT}, for messages. */
    static final String DEFAULT_ARTIFACT = "io.github.boneage:boneage-model-v2";
    /** The dependency that packages {@link #V1} and the learned landmark detector, for messages. */
    static final String V1_ARTIFACT = "io.github.boneage:boneage-model-default";

    private static final Logger LOG = LoggerFactory.getLogger(ClasspathModels.class);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** The manifests a packaged folder may carry: a model bundle, an ensemble bundle, a landmark detector bundle. */
    private static final List<String> MANIFESTS = List.of(ManifestJson.FILE_NAME, EnsembleBundle.FILE_NAME,
            LandmarkBundle.MANIFEST);

    private ClasspathModels() {
    }

    /**
     * @param name a model name, e.g. {@link #DEFAULT}
     * @return whether the context class loader (or, failing that, this library's) sees the model's descriptor
     * @throws IllegalArgumentException if the name is not letters, digits, {@code .}, {@code _} and {@code -}
     */
    public static boolean isAvailable(String name) {
        checkName(name);
        for (ClassLoader loader : loaders()) {
            if (!descriptors(name, loader).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies a classpath model into a private temporary folder, using the thread's context class loader, or this
     * library's class loader when the context one does not see the model.
     *
     * @param name a model name, e.g. {@link #DEFAULT}
     * @return the copy; close it (after the estimator using it) to delete it
     * @throws ModelBundleException     naming the model when it is not on the classpath (the message names the
     *                                  dependency to add), is there twice, its descriptor is malformed, a file it
     *                                  lists is missing, or the copy cannot be written
     * @throws IllegalArgumentException if the name is not letters, digits, {@code .}, {@code _} and {@code -}
     */
    public static ClasspathModel open(String name) {
        checkName(name);
        List<ClassLoader> loaders = loaders();
        for (ClassLoader loader : loaders) {
            if (!descriptors(name, loader).isEmpty()) {
                return open(name, loader);
            }
        }
        return open(name, loaders.get(0));
    }

    /**
     * Copies a classpath model into a private temporary folder.
     *
     * @param name   a model name, e.g. {@link #DEFAULT}
     * @param loader the class loader to find it with
     * @return the copy; close it (after the estimator using it) to delete it
     * @throws ModelBundleException     as {@link #open(String)}
     * @throws IllegalArgumentException if the name is not letters, digits, {@code .}, {@code _} and {@code -}
     */
    public static ClasspathModel open(String name, ClassLoader loader) {
        checkName(name);
        String label = "classpath model " + name;
        List<URL> found = descriptors(name, loader);
        if (found.isEmpty()) {
            throw new ModelBundleException(label, "not on the classpath (no " + descriptorPath(name) + "): add the "
                    + "dependency " + artifactHint(name));
        }
        if (found.size() > 1) {
            throw new ModelBundleException(label, "found " + found.size() + " times on the classpath (" + found
                    + "): keep one version of " + artifactHint(name));
        }
        URL descriptor = found.get(0);
        Properties p = readDescriptor(descriptor, label);
        String version = required(p, "version", descriptor, label);
        String root = required(p, "root", descriptor, label);
        String declaredName = required(p, "name", descriptor, label);
        if (!declaredName.equals(name)) {
            throw new ModelBundleException(label, descriptor + " declares name=" + declaredName);
        }
        List<String> files = fileList(required(p, "files", descriptor, label), descriptor, label);
        root = root.endsWith("/") ? root : root + "/";
        Path copy = null;
        try {
            copy = Files.createTempDirectory("boneage-model-" + name + "-");
            for (String file : files) {
                URL resource = loader.getResource(root + file);
                if (resource == null) {
                    throw new ModelBundleException(label, descriptor + " lists " + file + " but " + root + file
                            + " is not on the classpath (a damaged or repackaged model jar)");
                }
                Path target = copy.resolve(file);
                Files.createDirectories(target.getParent());
                try (InputStream in = resource.openStream()) {
                    Files.copy(in, target);
                }
            }
            return new ClasspathModel(name, version, descriptor, copy);
        } catch (IOException e) {
            deleteQuietly(copy);
            throw new ModelBundleException(label, "cannot copy it from " + descriptor + " into a temporary folder: " + e, e);
        } catch (RuntimeException e) {
            deleteQuietly(copy);
            throw e;
        }
    }

    /**
     * @param name a model name
     * @return the descriptor's resource path, {@code META-INF/boneage/models/<name>.properties}
     */
    public static String descriptorPath(String name) {
        return DESCRIPTOR_FOLDER + name + ".properties";
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a classpath model name is letters, digits, '.', '_' and '-', got " + name);
        }
    }

    private static String artifactHint(String name) {
        String bom = " (version from io.github.boneage:boneage-bom)";
        return DEFAULT.equals(name) ? DEFAULT_ARTIFACT + bom
                : V1.equals(name) || LANDMARKS.equals(name) ? V1_ARTIFACT + bom
                : "the artifact that packages it (a jar holding " + descriptorPath(name) + ")";
    }

    private static List<ClassLoader> loaders() {
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            loaders.add(context);
        }
        ClassLoader own = ClasspathModels.class.getClassLoader();
        loaders.add(own != null ? own : ClassLoader.getSystemClassLoader());
        return new ArrayList<>(loaders);
    }

    private static List<URL> descriptors(String name, ClassLoader loader) {
        try {
            // A jar listed twice on a class path yields the same URL twice: that is one copy, not two.
            return new ArrayList<>(new LinkedHashSet<>(Collections.list(loader.getResources(descriptorPath(name)))));
        } catch (IOException e) {
            throw new ModelBundleException("classpath model " + name, "cannot search the classpath: " + e, e);
        }
    }

    private static Properties readDescriptor(URL descriptor, String label) {
        Properties p = new Properties();
        try (Reader r = new InputStreamReader(descriptor.openStream(), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelBundleException(label, "cannot read " + descriptor + ": " + e, e);
        }
        return p;
    }

    private static String required(Properties p, String key, URL descriptor, String label) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new ModelBundleException(label, descriptor + " has no " + key);
        }
        return value.trim();
    }

    /**
     * Relative paths whose segments are plain names (an ensemble bundle keeps its members in sub-folders): a
     * descriptor must not make the copy write outside its folder. One of them must be a bundle's manifest.
     */
    private static List<String> fileList(String value, URL descriptor, String label) {
        List<String> files = new ArrayList<>();
        for (String raw : value.split(",")) {
            String f = raw.trim();
            if (!isPlainRelativePath(f)) {
                throw new ModelBundleException(label, descriptor + " lists \"" + f + "\" in files: only file names and "
                        + "sub-folder/name paths are allowed");
            }
            if (!files.contains(f)) {
                files.add(f);
            }
        }
        if (MANIFESTS.stream().noneMatch(files::contains)) {
            throw new ModelBundleException(label, descriptor + " lists none of " + MANIFESTS + " in files");
        }
        return files;
    }

    private static boolean isPlainRelativePath(String path) {
        if (path.isEmpty() || path.contains("\\")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            BundleFiles.deleteRecursively(dir);
        } catch (IOException e) {
            // The original failure is what the caller needs to see; a leftover temporary folder is only logged.
            LOG.warn("cannot delete the partial copy {}: {}", dir, e.toString());
        }
    }
}
