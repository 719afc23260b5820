package com.example;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.Sex;
import io.github.boneage.djl.BoneAgeEstimators;
import io.github.boneage.djl.ClasspathModel;
import io.github.boneage.djl.ClasspathModels;
import io.github.boneage.pipeline.BoneAgePipeline;
import io.github.boneage.pipeline.PipelineInput;
import io.github.boneage.pipeline.PipelineResult;
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
        try (ClasspathModel model = ClasspathModels.open(ClasspathModels.DEFAULT);
             BoneAgeEstimator estimator = BoneAgeEstimators.open(model.path())) {
            BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(estimator).build();
            PipelineResult result = pipeline.run(PipelineInput.builder().setFile(Path.of("hand.png"))
                    .optSex(Sex.FEMALE, "request").build());
            BoneAgeEstimate e = result.report().orElseThrow(() -> result.error().orElseThrow()).estimate();
            System.out.println(e.months() + " months (" + e.humanReadable() + ")");
        }
        // README:END
    }
}
