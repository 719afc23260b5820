package io.github.boneage.djl;

import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EnsembleEstimator;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.testing.BoneAgeEstimatorContractTest;
import io.github.boneage.preprocess.PreprocessSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimator contract for an ensemble of two ROI1 networks on two engines (ONNX Runtime per-sex, PyTorch
 * sex-input), opened from an ensemble bundle: without reference points no member can run, so that request is refused.
 */
class EnsembleEstimatorTest extends BoneAgeEstimatorContractTest {

    @TempDir
    static Path work;

    /**
     * Writes an ensemble bundle of an ONNX per-sex network and a PyTorch sex-input network, each with its own weight.
     *
     * @param work     the fixtures' working folder
     * @param folder   the ensemble folder to create
     * @param onnxSpec the ONNX member's preprocessing
     * @param ptSpec   the PyTorch member's preprocessing
     * @return the folder
     */
    static Path writeEnsemble(Path work, Path folder, PreprocessSpec onnxSpec, PreprocessSpec ptSpec) throws Exception {
        Fixtures.perSex(work, "onnx", true).setPreprocessing(onnxSpec).build().writeFolder(folder.resolve("first"));
        Fixtures.sexInput(work, "pt").setPreprocessing(ptSpec).optOutput(Fixtures.plausibleSexInputHead()).build()
                .writeFolder(folder.resolve("second"));
        java.nio.file.Files.writeString(folder.resolve(EnsembleBundle.FILE_NAME), """
                {"format": "boneage-ensemble/1", "name": "test-ensemble",
                 "members": [{"bundle": "first", "weight": 1.0}, {"bundle": "second", "weight": 3.0}]}
                """);
        return folder;
    }

    @Override
    protected BoneAgeEstimator createEstimator() {
        try {
            PreprocessSpec roi1 = PreprocessSpec.paper(RoiScheme.ROI1, Fixtures.SIZE);
            EnsembleEstimator e = EnsembleBundle.open(writeEnsemble(work, work.resolve("ensemble-" + System.nanoTime()), roi1, roi1),
                    b -> b.optBatchSize(2).optPoolSize(2));
            return e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
