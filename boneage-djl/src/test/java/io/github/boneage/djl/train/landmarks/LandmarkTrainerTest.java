package io.github.boneage.djl.train.landmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.landmarks.HandMask;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.djl.ModelBundleException;
import io.github.boneage.djl.export.OnnxExport;
import io.github.boneage.djl.impl.OneDnnIsa;
import io.github.boneage.djl.landmarks.LandmarkBundle;
import io.github.boneage.djl.landmarks.LearnedLandmarkDetector;
import io.github.boneage.djl.train.TrainingException;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny landmark training run: bundle, manifest, checkpoint and resume, loading errors. */
class LandmarkTrainerTest {

    @TempDir
    Path dir;

    private static final LandmarkTrainingSettings TINY = new LandmarkTrainingSettings(128, 8, 1.5, 4, 4, 1e-3, 1e-4, 0.0,
            0.0, 2, 11L, 0.5, 0.0, LandmarkTrainingSettings.MaskHeadTraining.NONE);

    /** Four synthetic hands at 128 px (also read by {@link PyTorchKernelStressTest}). */
    static List<LandmarkExample> hands() {
        List<LandmarkExample> out = new ArrayList<>();
        for (SyntheticHand h : SyntheticHandGenerator.builder().setSeed(3).optImageSize(160, 200).build().generate(4)) {
            out.add(LandmarkExample.of("s" + h.index(), h.image(), h.landmarks(), 128));
        }
        return out;
    }

    private LandmarkBundle train(Path out) throws IOException {
        return LandmarkTrainer.builder().setExamples(hands()).setOutputDirectory(out).optSettings(TINY)
                .addProvenance("data", "4 synthetic hands").build().train();
    }

    @Test
    void writesALoadableBundleAndResumesExactly() throws IOException {
        LandmarkBundle first = train(dir.resolve("a"));
        assertThat(first.provenance()).containsEntry("data", "4 synthetic hands").containsKey("settings")
                .containsEntry("onednnMaxCpuIsa", OneDnnIsa.describe());
        assertThat(LandmarkBundle.load(dir.resolve("a")).sha256()).isEqualTo(first.sha256());
        // The run checkpointed at step 2; a second run given that checkpoint continues from it. (Not bit-identical:
        // PyTorch's multi-threaded CPU reductions do not add in a fixed order.)
        Path b = dir.resolve("b");
        Files.createDirectories(b.resolve("checkpoint"));
        try (var files = Files.list(dir.resolve("a").resolve("checkpoint"))) {
            for (Path p : files.toList()) {
                Files.copy(p, b.resolve("checkpoint").resolve(p.getFileName()));
            }
        }
        LandmarkBundle resumed = train(b);
        assertThat(resumed.provenance()).containsEntry("resumedFromStep", "2");
        assertThat(resumed.provenance().get("settings")).isEqualTo(first.provenance().get("settings"));
        try (LearnedLandmarkDetector d = LearnedLandmarkDetector.builder().setBundle(b).build()) {
            assertThat(d.bundle().spec().inputSize()).isEqualTo(128);
        }
    }

    @Test
    void refusesACheckpointOfOtherSettings() throws IOException {
        train(dir.resolve("a"));
        Path ckpt = dir.resolve("a").resolve("checkpoint");
        assertThat(ckpt.resolve("state.txt")).exists();
        assertThatThrownBy(() -> LandmarkTrainer.builder().setExamples(hands()).setOutputDirectory(dir.resolve("a"))
                .optSettings(TINY.withSteps(9)).build().train()).isInstanceOf(TrainingException.class)
                .hasMessageContaining("other settings");
    }

    @Test
    void bundleWithWrongChecksumOrNoManifestIsRefused() throws IOException {
        train(dir.resolve("a"));
        Path manifest = dir.resolve("a").resolve(LandmarkBundle.MANIFEST);
        String json = Files.readString(manifest);
        Files.writeString(manifest, json.replaceAll("\"sha256\" : \"[0-9a-f]+\"", "\"sha256\" : \"" + "0".repeat(64) + "\""));
        assertThatThrownBy(() -> LandmarkBundle.load(dir.resolve("a"))).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("SHA-256").hasMessageContaining("landmarks-0000.params");
        Files.delete(manifest);
        assertThatThrownBy(() -> LearnedLandmarkDetector.builder().setBundle(dir.resolve("a")).build())
                .isInstanceOf(ModelBundleException.class).hasMessageContaining(LandmarkBundle.MANIFEST);
    }

    /**
     * {@link #hands()} with a hand mask each: every pixel brighter than 0.25 (the generator draws the hand on a dark
     * field).
     */
    static List<LandmarkExample> handsWithMasks() {
        List<LandmarkExample> out = new ArrayList<>();
        for (LandmarkExample e : hands()) {
            float[] p = e.input().pixels();
            float[] m = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                m[i] = p[i] > 0.25f ? 1f : 0f;
            }
            out.add(e.withHandMask(m));
        }
        return out;
    }

    @Test
    void maskHeadTrainedAloneKeepsEveryPointAndExportsToOnnx() throws IOException {
        train(dir.resolve("base"));
        LandmarkBundle masked = LandmarkTrainer.builder().setExamples(handsWithMasks()).setOutputDirectory(dir.resolve("mask"))
                .optSettings(TINY.withMaskHead(LandmarkTrainingSettings.MaskHeadTraining.MASK_ONLY))
                .optInitialWeights(dir.resolve("base")).build().train();
        assertThat(masked.spec().maskHead()).isTrue();
        assertThat(masked.provenance()).containsEntry("initialWeights.data", "4 synthetic hands")
                .containsKey("initialWeights.settings");
        assertThat(LandmarkBundle.load(dir.resolve("mask")).spec()).isEqualTo(masked.spec());
        assertThat(Files.readString(dir.resolve("base").resolve(LandmarkBundle.MANIFEST))).doesNotContain("\"maskHead\" :");
        SyntheticHand hand = SyntheticHandGenerator.builder().setSeed(99).optImageSize(180, 220).build().generate(1).get(0);
        LandmarkBundle onnx = OnnxExport.exportLandmarks(dir.resolve("mask"), dir.resolve("mask-onnx"));
        assertThat(onnx.spec().maskHead()).isTrue();
        try (LearnedLandmarkDetector base = LearnedLandmarkDetector.builder().setBundle(dir.resolve("base"))
                        .optQuarterTurns(false).build();
                LearnedLandmarkDetector withMask = LearnedLandmarkDetector.builder().setBundle(dir.resolve("mask"))
                        .optQuarterTurns(false).build();
                LearnedLandmarkDetector exported = LearnedLandmarkDetector.builder().setBundle(dir.resolve("mask-onnx"))
                        .optQuarterTurns(false).build()) {
            LandmarkDetection a = base.detectLearned(hand.image(), "hand");
            LandmarkDetection b = withMask.detectLearned(hand.image(), "hand");
            LandmarkDetection c = exported.detectLearned(hand.image(), "hand");
            // The frozen trunk: the same heatmaps, so the same verdict and points to the last bit.
            assertThat(b.verdict()).isEqualTo(a.verdict());
            assertThat(b.landmarks()).isEqualTo(a.landmarks());
            assertThat(b.pointConfidence()).isEqualTo(a.pointConfidence());
            assertThat(a.handMask()).isEmpty();
            if (b.landmarks().isPresent()) {
                HandMask m = b.handMask().orElseThrow();
                assertThat(m.imageWidth()).isEqualTo(180);
                assertThat(m.imageHeight()).isEqualTo(220);
                // The export carries the mask head (its parity with PyTorch is checked on the shipped network in
                // LandmarkOnnxExportTest: a 4-step network's batch-norm statistics are far from its activations, and
                // float rounding then moves its outputs too much to compare).
                assertThat(c.handMask().isPresent()).as(c.reason()).isEqualTo(c.landmarks().isPresent());
            } else {
                assertThat(b.handMask()).isEmpty();
            }
        }
    }

    /**
     * Steps whose forward pass is NaN (here: every batch holds an image of NaN pixels) are skipped, and the batch norms'
     * running statistics they touched are restored: the bundle is written and its network answers finite values.
     */
    @Test
    void stepsWithANonFiniteForwardPassLeaveNoNaNBehind() throws IOException {
        float[] nan = new float[160 * 200];
        java.util.Arrays.fill(nan, Float.NaN);
        double[] none = new double[io.github.boneage.djl.landmarks.impl.PointOrder.COUNT];
        java.util.Arrays.fill(none, Double.NaN);
        List<LandmarkExample> examples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            examples.add(new LandmarkExample("nan-" + i,
                    io.github.boneage.djl.landmarks.impl.NetInput.ofPixels(nan, 160, 200), none, none));
        }
        LandmarkBundle bundle = LandmarkTrainer.builder().setExamples(examples).setOutputDirectory(dir.resolve("nan"))
                .optSettings(TINY).build().train();
        assertThat(bundle.provenance()).containsEntry("skippedNonFiniteSteps", "4");
        try (LearnedLandmarkDetector d = LearnedLandmarkDetector.builder().setBundle(bundle.folder()).build()) {
            SyntheticHand hand = SyntheticHandGenerator.builder().setSeed(5).optImageSize(160, 200).build().generate(0L);
            assertThat(d.detectLearned(hand.image(), "hand").verdict()).isNotNull();
        }
    }

    @Test
    void maskHeadAloneNeedsInitialWeights() {
        assertThatThrownBy(() -> LandmarkTrainer.builder().setExamples(hands()).setOutputDirectory(dir)
                .optSettings(TINY.withMaskHead(LandmarkTrainingSettings.MaskHeadTraining.MASK_ONLY)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("optInitialWeights");
    }

    @Test
    void builderRequiresOutputAndExamples() {
        assertThatThrownBy(() -> LandmarkTrainer.builder().setExamples(hands()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("setOutputDirectory");
        assertThatThrownBy(() -> LandmarkTrainer.builder().setOutputDirectory(dir).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("setExamples");
    }
}
