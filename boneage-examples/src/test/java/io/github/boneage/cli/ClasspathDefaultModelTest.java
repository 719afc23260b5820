package io.github.boneage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.djl.ClasspathModel;
import io.github.boneage.djl.ClasspathModels;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import io.github.boneage.djl.landmarks.LearnedLandmarkDetector;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The models the CLI gets from the model artifacts (the fallback of a CLI copied away from the repository): model v1
 * and the landmark detector of boneage-model-default, the same files, byte for byte, as models/default and
 * models/landmarks, so the artifact never ships a stale model; and the default model, v2, which the locator copies from
 * boneage-model-v2 (whose own test checks every file against models/v2).
 */
class ClasspathDefaultModelTest {

    private static final Path FOLDER = Paths.get("..", "models", "default").toAbsolutePath().normalize();
    private static final Path V2 = Paths.get("..", "models", "v2").toAbsolutePath().normalize();

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theArtifactHoldsExactlyModelsDefault() throws IOException {
        assertThat(ClasspathModels.isAvailable(ClasspathModels.V1)).isTrue();
        Path copy;
        try (ClasspathModel model = ClasspathModels.open(ClasspathModels.V1)) {
            copy = model.path();
            assertThat(names(copy)).isEqualTo(names(FOLDER));
            for (String f : names(FOLDER)) {
                assertThat(Files.mismatch(FOLDER.resolve(f), copy.resolve(f))).as(f).isEqualTo(-1L);
            }
        }
        assertThat(copy).doesNotExist();
    }

    @Test
    void theLocatorFallsBackToModelV2() throws IOException {
        Path located = ModelLocator.classpathDefault();
        assertThat(located.resolve("boneage-ensemble.json")).isRegularFile();
        assertThat(Files.mismatch(V2.resolve("boneage-ensemble.json"), located.resolve("boneage-ensemble.json"))).isEqualTo(-1L);
        assertThat(Files.mismatch(V2.resolve("roi2-sex/boneage-model.json"), located.resolve("roi2-sex/boneage-model.json")))
                .isEqualTo(-1L);
    }

    /**
     * The learned landmark detector as a consumer outside the repository gets it (LandmarkDetectors' classpath
     * fallback): the artifact's copy opens, equals models/landmarks byte for byte, and reads the sample hand. Until
     * ClasspathModels accepted a landmark-model.json manifest this copy was refused, and such consumers silently fell
     * back to the classical detector.
     */
    @Test
    void theArtifactHoldsTheLearnedLandmarkDetector() throws IOException {
        Path folder = FOLDER.resolveSibling("landmarks");
        try (ClasspathModel model = ClasspathModels.open(LandmarkDetectors.CLASSPATH_NAME);
             LearnedLandmarkDetector detector = LearnedLandmarkDetector.builder().setBundle(model.path()).build()) {
            assertThat(names(model.path())).isEqualTo(names(folder));
            for (String f : names(folder)) {
                assertThat(Files.mismatch(folder.resolve(f), model.path().resolve(f))).as(f).isEqualTo(-1L);
            }
            Path sample = FOLDER.resolve("../../samples/synthetic-hand.png").normalize();
            LandmarkDetection d = detector.detect(ImageDecoder.create().decode(sample), "synthetic-hand");
            assertThat(d.verdict()).as(d.reason()).isEqualTo(QualityVerdict.OK);
        }
    }
}
