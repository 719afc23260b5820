package io.github.boneage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.djl.ClasspathModel;
import io.github.boneage.djl.ClasspathModels;
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
}
