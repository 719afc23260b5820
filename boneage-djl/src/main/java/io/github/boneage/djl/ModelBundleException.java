package io.github.boneage.djl;

import io.github.boneage.core.BoneAgeException;

/**
 * A model bundle cannot be used: a file is missing, the manifest is malformed or of an unknown format version, a
 * weight file's SHA-256 differs from the manifest, the engine it needs is not on the classpath, or the network rejects
 * the declared input or returns an output of the wrong shape. The message names the bundle and the reason; an
 * engine's own exception, when there is one, is the cause.
 */
public class ModelBundleException extends BoneAgeException {

    /** The bundle (folder, zip or manifest path) at fault. */
    private final String bundle;

    /**
     * @param bundle the bundle (its path or name)
     * @param reason what is wrong
     */
    public ModelBundleException(String bundle, String reason) {
        super("model bundle " + bundle + ": " + reason);
        this.bundle = bundle;
    }

    /**
     * @param bundle the bundle (its path or name)
     * @param reason what is wrong
     * @param cause  the underlying failure
     */
    public ModelBundleException(String bundle, String reason, Throwable cause) {
        super("model bundle " + bundle + ": " + reason, cause);
        this.bundle = bundle;
    }

    /** @return the bundle the message is about (its path or name) */
    public String bundle() {
        return bundle;
    }
}
