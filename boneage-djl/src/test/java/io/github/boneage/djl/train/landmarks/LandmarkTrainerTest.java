package io.github.boneage.djl.train.landmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.djl.ModelBundleException;
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
            0.0, 2, 11L, 0.5, 0.0);

    private static List<LandmarkExample> hands() {
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
        assertThat(first.provenance()).containsEntry("data", "4 synthetic hands").containsKey("settings");
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

    @Test
    void builderRequiresOutputAndExamples() {
        assertThatThrownBy(() -> LandmarkTrainer.builder().setExamples(hands()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("setOutputDirectory");
        assertThatThrownBy(() -> LandmarkTrainer.builder().setOutputDirectory(dir).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("setExamples");
    }
}
