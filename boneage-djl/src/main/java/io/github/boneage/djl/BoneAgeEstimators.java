package io.github.boneage.djl;

import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.ModelInfo;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Opens a trained model from its folder, whichever kind it is: a model bundle (folder or {@code .zip}, run by
 * {@link DjlBoneAgeEstimator}) or an ensemble bundle (a folder with {@value EnsembleBundle#FILE_NAME}, run by
 * {@link io.github.boneage.core.EnsembleEstimator}). Callers that need a bundle's own API use those classes.
 */
public final class BoneAgeEstimators {

    private BoneAgeEstimators() {
    }

    /**
     * @param bundle a model bundle folder or zip, or an ensemble bundle folder
     * @return its estimator with default settings; close it when done
     * @throws ModelBundleException naming the bundle and what is wrong when it cannot be loaded
     */
    public static BoneAgeEstimator open(Path bundle) {
        return open(bundle, b -> { });
    }

    /**
     * @param bundle  a model bundle folder or zip, or an ensemble bundle folder
     * @param options applied to the {@link DjlBoneAgeEstimator.Builder} of the bundle, or of each ensemble member,
     *                after its bundle is set (device, batch size, pool size...)
     * @return its estimator; close it when done
     * @throws ModelBundleException naming the bundle and what is wrong when it cannot be loaded
     */
    public static BoneAgeEstimator open(Path bundle, Consumer<DjlBoneAgeEstimator.Builder> options) {
        if (EnsembleBundle.isEnsemble(bundle)) {
            return EnsembleBundle.open(bundle, options);
        }
        DjlBoneAgeEstimator.Builder b = DjlBoneAgeEstimator.builder().setBundle(bundle);
        options.accept(b);
        return b.build();
    }

    /**
     * @param bundle a model bundle folder or zip, or an ensemble bundle folder
     * @return the identity ({@link BoneAgeEstimator#model()}) its estimator would report, read from the files without
     *         starting an engine (every weight file checked against its SHA-256)
     * @throws ModelBundleException naming the bundle and what is wrong when it cannot be read
     */
    public static ModelInfo modelInfo(Path bundle) {
        if (EnsembleBundle.isEnsemble(bundle)) {
            return EnsembleBundle.modelInfo(bundle);
        }
        try (ModelBundle b = ModelBundle.load(bundle)) {
            return b.modelInfo();
        }
    }
}
