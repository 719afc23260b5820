package io.github.boneage.model.v2;

/**
 * Names of model v2 that this artifact puts on the classpath. Code does not need this class: with the artifact on the
 * classpath, {@code io.github.boneage.djl.ClasspathModels.open("v2")} copies the ensemble bundle into a temporary
 * folder and {@code io.github.boneage.djl.BoneAgeEstimators.open(copy.path())} opens it. It exists so that the artifact
 * documents its own layout (and has javadoc and sources, as Maven Central requires of every jar).
 *
 * <p>Layout: the descriptor is a properties file with {@code name}, {@code version} (this artifact's version),
 * {@code root} (the resource folder, {@value #RESOURCE_PREFIX}{@code <version>}) and {@code files} (the
 * comma-separated files in that folder: {@code boneage-ensemble.json}, {@code uncertainty-calibration.json} and each
 * member's files under its sub-folder, such as {@code roi1/agnostic.onnx}).
 */
public final class V2ModelArtifact {

    /** The model's name, as given to {@code ClasspathModels.open}. */
    public static final String NAME = "v2";

    /** The descriptor's resource path. */
    public static final String DESCRIPTOR = "META-INF/boneage/models/v2.properties";

    /** The resource folder's prefix; the artifact's version follows it. */
    public static final String RESOURCE_PREFIX = "io/github/boneage/models/v2/";

    private V2ModelArtifact() {
    }
}
