package io.github.boneage.djl;

import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.testing.BoneAgeEstimatorContractTest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The estimator contract on PyTorch: a sex-input TorchScript bundle, loaded from a zip, with ROI1 preprocessing. */
class DjlBoneAgeEstimatorTorchScriptTest extends BoneAgeEstimatorContractTest {

    @TempDir
    static Path work;

    @Override
    protected BoneAgeEstimator createEstimator() {
        Path zip = Fixtures.sexInput(work, "pt").setPreprocessing(DjlBoneAgeEstimatorOnnxTest.paperSpec())
                .optOutput(Fixtures.plausibleSexInputHead()).build()
                .writeZip(work.resolve("sex-input-" + System.nanoTime() + ".zip"));
        return DjlBoneAgeEstimator.builder().setBundle(zip).optBatchSize(2).optPoolSize(3).build();
    }

    @Override
    protected List<EstimationRequest> validRequests() {
        return DjlBoneAgeEstimatorOnnxTest.requests();
    }

    @Override
    protected EstimationRequest invalidRequest() {
        return DjlBoneAgeEstimatorOnnxTest.withoutLandmarks();
    }
}
