package io.github.boneage.djl;

import io.github.boneage.core.BoneAgeEstimator;
import java.nio.file.Path;

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
        return EnsembleBundle.isEnsemble(bundle) ? EnsembleBundle.open(bundle)
                : DjlBoneAgeEstimator.builder().setBundle(bundle).build();
    }
}
