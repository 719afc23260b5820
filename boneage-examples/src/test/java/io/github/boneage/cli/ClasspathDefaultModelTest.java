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
 * The default model as the CLI gets it from the boneage-model-default artifact (the fallback of a CLI copied away from
 * the repository): the same files, byte for byte, as models/default, so the artifact never ships a stale model.
 */
class ClasspathDefaultModelTest {

    private static final Path FOLDER = Paths.get("..", "models", "default").toAbsolutePath().normalize();

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theArtifactHoldsExactlyModelsDefault() throws IOException {
        assertThat(ClasspathModels.isAvailable(ClasspathModels.DEFAULT)).isTrue();
        Path copy;
        try (ClasspathModel model = ClasspathModels.open(ClasspathModels.DEFAULT)) {
            copy = model.path();
            assertThat(names(copy)).isEqualTo(names(FOLDER));
            for (String f : names(FOLDER)) {
                assertThat(Files.mismatch(FOLDER.resolve(f), copy.resolve(f))).as(f).isEqualTo(-1L);
            }
        }
        assertThat(copy).doesNotExist();
    }

    @Test
    void theLocatorFallsBackToIt() throws IOException {
        Path located = ModelLocator.classpathDefault();
        assertThat(located.resolve("boneage-model.json")).isRegularFile();
        assertThat(Files.mismatch(FOLDER.resolve("boneage-model.json"), located.resolve("boneage-model.json"))).isEqualTo(-1L);
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
