package io.github.boneage.cli;

import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.EnsembleBundle;
import java.nio.file.Path;

/** Opens what a {@code --model} option names: a model bundle (folder or zip) or an ensemble bundle folder. */
final class Estimators {

    private Estimators() {
    }

    /**
     * @param bundle a model bundle folder or zip, or a folder holding {@value EnsembleBundle#FILE_NAME}
     * @return its estimator, to be closed by the caller
     */
    static BoneAgeEstimator open(Path bundle) {
        return EnsembleBundle.isEnsemble(bundle) ? EnsembleBundle.open(bundle)
                : DjlBoneAgeEstimator.builder().setBundle(bundle).build();
    }
}
