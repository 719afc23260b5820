package io.github.boneage.model.defaultmodel;

/**
 * Names of model v1 (one whole-image network; the default model until model v2, {@code boneage-model-v2}, became it)
 * that this artifact puts on the classpath, beside the learned landmark detector every model's pipeline uses. Code does
 * not need this class: with the artifact on the classpath, {@code io.github.boneage.djl.ClasspathModels.open("default")}
 * ({@code ClasspathModels.V1}) finds the model through the
 * descriptor {@value #DESCRIPTOR}. It exists so that the artifact documents its own layout (and has javadoc and
 * sources, as Maven Central requires of every jar).
 *
 * <p>Layout: the descriptor is a properties file with {@code name}, {@code version} (this artifact's version),
 * {@code root} (the resource folder, {@value #RESOURCE_PREFIX}{@code <version>}) and {@code files} (the
 * comma-separated file names in that folder: {@code boneage-model.json}, the weights it lists, and the training
 * companions such as {@code uncertainty-calibration.json}).
 */
public final class DefaultModelArtifact {

    /** The model's name, as given to {@code ClasspathModels.open}. */
    public static final String NAME = "default";

    /** The descriptor's resource path. */
    public static final String DESCRIPTOR = "META-INF/boneage/models/default.properties";

    /** The resource folder's prefix; the artifact's version follows it. */
    public static final String RESOURCE_PREFIX = "io/github/boneage/models/default/";

    private DefaultModelArtifact() {
    }
}
