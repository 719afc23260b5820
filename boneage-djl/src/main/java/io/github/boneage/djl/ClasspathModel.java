package io.github.boneage.djl;

import io.github.boneage.djl.impl.BundleFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;

/**
 * A model bundle found on the classpath (see {@link ClasspathModels}), copied into a private temporary folder so that
 * the engines, which read files, can load it. Give {@link #path()} to {@link BoneAgeEstimators#open} (a bundle or an
 * ensemble), {@code DjlBoneAgeEstimator.Builder.setBundle} or {@link ModelBundle#load(Path)}; {@link #close()} deletes
 * the copy, so close it after the estimator that uses it:
 *
 * <pre>{@code
 * try (ClasspathModel model = ClasspathModels.open(ClasspathModels.DEFAULT);
 *      BoneAgeEstimator estimator = BoneAgeEstimators.open(model.path())) {
 *     ...
 * }
 * }</pre>
 */
public final class ClasspathModel implements AutoCloseable {

    private final String name;
    private final String version;
    private final URL origin;
    private final Path path;
    private volatile boolean closed;

    ClasspathModel(String name, String version, URL origin, Path path) {
        this.name = name;
        this.version = version;
        this.origin = origin;
        this.path = path;
    }

    /** @return the model's name, as given to {@link ClasspathModels#open(String)} */
    public String name() {
        return name;
    }

    /** @return the version of the artifact that packaged the model (its descriptor's {@code version}) */
    public String version() {
        return version;
    }

    /** @return where the descriptor was found (inside the model artifact's jar), for messages and audit logs */
    public URL origin() {
        return origin;
    }

    /**
     * @return the folder holding the copied bundle ({@code boneage-model.json}, the weights and their companions)
     * @throws IllegalStateException after {@link #close()}, when the folder is gone
     */
    public Path path() {
        if (closed) {
            throw new IllegalStateException("classpath model " + name + " is closed: its copy " + path + " was deleted");
        }
        return path;
    }

    /**
     * Deletes the private copy. Idempotent.
     *
     * @throws UncheckedIOException when a file of the copy cannot be deleted (e.g. still open on Windows)
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            BundleFiles.deleteRecursively(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the copy of classpath model " + name + " at " + path, e);
        }
    }

    @Override
    public String toString() {
        return "ClasspathModel[" + name + " " + version + " from " + origin + "]";
    }
}
