package io.github.boneage.djl.train.landmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.djl.export.OnnxExport;
import io.github.boneage.djl.landmarks.LearnedLandmarkDetector;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many tiny landmark networks trained and read on PyTorch in one JVM, with ONNX Runtime reading their exports in
 * between: every reading must be finite. On our 2-core AMD EPYC machine (AVX-512) this test failed 3 of 3 runs with
 * libtorch's oneDNN left to its AVX-512 kernels ({@code -DargLine=-Dboneage.onednnMaxCpuIsa=ALL}): PyTorch detections
 * refused because a convolution had written a channel of NaN, never an ONNX one. With {@code OneDnnIsa}'s default cap
 * at AVX2 it passed 3 of 3. On CPUs without AVX-512 it passes either way.
 */
@Tag("slow")
class PyTorchKernelStressTest {

    @TempDir
    Path dir;

    @Test
    void everyReadingOfManyTrainedNetworksIsFinite() throws Exception {
        List<SyntheticHand> unseen = new ArrayList<>();
        for (int seed = 95; seed < 105; seed++) {
            unseen.add(SyntheticHandGenerator.builder().setSeed(seed).optImageSize(180, 220).build().generate(1).get(0));
        }
        List<LandmarkExample> hands = LandmarkTrainerTest.hands();
        List<LandmarkExample> handsWithMasks = LandmarkTrainerTest.handsWithMasks();
        List<String> refused = new ArrayList<>();
        int detections = 0;
        for (long seed = 11; seed < 29; seed++) {
            LandmarkTrainingSettings tiny = new LandmarkTrainingSettings(128, 8, 1.5, 4, 4, 1e-3, 1e-4, 0.0, 0.0, 2, seed,
                    0.5, 0.0, LandmarkTrainingSettings.MaskHeadTraining.NONE);
            Path base = dir.resolve("base" + seed);
            Path mask = dir.resolve("mask" + seed);
            LandmarkTrainer.builder().setExamples(hands).setOutputDirectory(base).optSettings(tiny).build().train();
            LandmarkTrainer.builder().setExamples(handsWithMasks).setOutputDirectory(mask)
                    .optSettings(tiny.withMaskHead(LandmarkTrainingSettings.MaskHeadTraining.MASK_ONLY))
                    .optInitialWeights(base).build().train();
            // The ONNX export read in between, as when the fault was found: ONNX Runtime's threads then share the CPU.
            Path onnx = OnnxExport.exportLandmarks(mask, dir.resolve("onnx" + seed)).folder();
            for (Path bundle : List.of(base, mask, onnx)) {
                try (LearnedLandmarkDetector d = LearnedLandmarkDetector.builder().setBundle(bundle).optQuarterTurns(false)
                        .build()) {
                    for (int h = 0; h < unseen.size(); h++) {
                        detections++;
                        try {
                            d.detectLearned(unseen.get(h).image(), "hand of seed " + (95 + h));
                        } catch (RuntimeException e) {
                            refused.add(bundle.getFileName() + ": " + e.getMessage());
                        }
                    }
                }
            }
        }
        assertThat(detections).isEqualTo(540);
        assertThat(refused).as("detections refused of %d", detections).isEmpty();
    }
}
