package io.github.boneage.djl;

import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.testing.BoneAgeEstimatorContractTest;
import io.github.boneage.preprocess.PreprocessSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The estimator contract on ONNX Runtime: a per-sex bundle (GoogLeNet fallback) with the papers' ROI1 preprocessing. */
class DjlBoneAgeEstimatorOnnxTest extends BoneAgeEstimatorContractTest {

    @TempDir
    static Path work;

    /** The papers' recipe (ROI1, MATLAB histeq, 3 channels, ImageNet normalization) at the fixtures' 32 px. */
    static PreprocessSpec paperSpec() {
        return PreprocessSpec.paper(RoiScheme.ROI1, Fixtures.SIZE);
    }

    static List<EstimationRequest> requests() {
        List<EstimationRequest> list = new ArrayList<>();
        Sex[] sexes = {Sex.MALE, Sex.FEMALE, Sex.UNKNOWN, Sex.FEMALE, Sex.MALE};
        for (int i = 0; i < sexes.length; i++) {
            list.add(SyntheticRadiographs.request(i + 1, sexes[i]));
        }
        return list;
    }

    /** The first image without its landmarks: ROI1 cannot be found. */
    static EstimationRequest withoutLandmarks() {
        return EstimationRequest.builder().setImage(SyntheticRadiographs.image(1)).optSex(Sex.MALE)
                .optSourceId("no-landmarks.png").build();
    }

    @Override
    protected BoneAgeEstimator createEstimator() {
        Path bundle = work.resolve("onnx-" + System.nanoTime());
        Fixtures.perSex(work, "onnx", true).setPreprocessing(paperSpec()).build().writeFolder(bundle);
        return DjlBoneAgeEstimator.builder().setBundle(bundle).optBatchSize(4).optPoolSize(2).build();
    }

    @Override
    protected List<EstimationRequest> validRequests() {
        return requests();
    }

    @Override
    protected EstimationRequest invalidRequest() {
        return withoutLandmarks();
    }
}
