package com.example;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.djl.ClasspathModel;
import io.github.boneage.djl.ClasspathModels;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.nio.file.Path;

/** README.md's "Using the library" example; ReadmeExampleTest checks that the code below is the README's, unchanged. */
public final class ReadmeExample {

    private ReadmeExample() {
    }

    /**
     * Estimates the bone age of hand.png in the working folder with the default model.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        // README:BEGIN
        GreyImage image = ImageDecoder.create().decode(Path.of("hand.png"));
        try (ClasspathModel model = ClasspathModels.open(ClasspathModels.DEFAULT);
             BoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(model.path()).build()) {
            BoneAgeEstimate e = estimator.estimate(EstimationRequest.builder()
                    .setImage(image).optSex(Sex.FEMALE).optSourceId("hand.png").build());
            System.out.println(e.months() + " months (" + e.humanReadable() + ")");
        }
        // README:END
    }
}
