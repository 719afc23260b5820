package io.github.boneage.spark.impl;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.djl.BoneAgeEstimators;
import io.github.boneage.djl.ClasspathModel;
import io.github.boneage.djl.ClasspathModels;
import java.io.Serializable;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where every JVM of a job finds the model: a bundle or ensemble path that the driver and every executor can read (a
 * shared or distributed file system mounted at the same place), or the default model, model v2, packaged in
 * {@code boneage-model-v2} on the class path, which travels inside the job jar (with {@code boneage-model-default}, whose
 * landmark detector v2's region members need). Serializable: the driver sends it to the executors.
 *
 * @param bundlePath the bundle folder or zip, or {@code null} for the class path's default model
 * @serial exclude
 */
public record ModelSource(String bundlePath) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** @return the default model from the class path */
    public static ModelSource classpathDefault() {
        return new ModelSource(null);
    }

    /**
     * @param bundle a model bundle folder or zip readable at this path on every node
     * @return a source for it
     */
    public static ModelSource bundle(Path bundle) {
        return new ModelSource(bundle.toAbsolutePath().normalize().toString());
    }

    /** @return a stable name of this source, for messages and as the per-JVM cache key */
    public String describe() {
        return bundlePath == null ? "classpath:" + ClasspathModels.DEFAULT : bundlePath;
    }

    /**
     * Opens the model in this JVM: the class path's default model is copied into a temporary folder that
     * {@link Opened#close()} deletes.
     *
     * @return the opened model
     * @throws BoneAgeException if the default model is not on the class path
     */
    public Opened open() {
        if (bundlePath != null) {
            return new Opened(Paths.get(bundlePath), null);
        }
        if (!ClasspathModels.isAvailable(ClasspathModels.DEFAULT)) {
            throw new BoneAgeException("no model: give a bundle path, or put io.github.boneage:boneage-model-v2 on "
                    + "the class path of the job (it is inside the boneage-spark job jar)");
        }
        ClasspathModel model = ClasspathModels.open(ClasspathModels.DEFAULT);
        return new Opened(model.path(), model);
    }

    /**
     * Reads the model's identity (name and weights digest) without starting an engine: what the driver records for
     * resuming and checks every executor against.
     *
     * @return the model's identity
     */
    public ModelInfo identify() {
        try (Opened opened = open()) {
            return BoneAgeEstimators.modelInfo(opened.path());
        }
    }

    /**
     * A model opened in this JVM.
     *
     * @param path  its bundle
     * @param owned the class path copy to delete on close, or {@code null}
     */
    public record Opened(Path path, ClasspathModel owned) implements AutoCloseable {

        /** Deletes the class path copy, if any. */
        @Override
        public void close() {
            if (owned != null) {
                owned.close();
            }
        }
    }
}
