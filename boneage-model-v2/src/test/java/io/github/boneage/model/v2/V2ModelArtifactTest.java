package io.github.boneage.model.v2;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EnsembleEstimator;
import io.github.boneage.djl.BoneAgeEstimators;
import io.github.boneage.djl.ClasspathModel;
import io.github.boneage.djl.ClasspathModels;
import io.github.boneage.djl.EnsembleBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The artifact holds exactly models/v2, members' sub-folders included, and the copy opens as that ensemble. */
class V2ModelArtifactTest {

    private static final Path FOLDER = Path.of("..", "models", "v2").toAbsolutePath().normalize();

    private static List<String> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString().replace('\\', '/')).sorted()
                    .toList();
        }
    }

    @Test
    void theArtifactHoldsExactlyModelsV2AndOpensAsItsEnsemble() throws IOException {
        assertThat(ClasspathModels.isAvailable(V2ModelArtifact.NAME)).isTrue();
        Path copy;
        try (ClasspathModel model = ClasspathModels.open(V2ModelArtifact.NAME);
             BoneAgeEstimator estimator = BoneAgeEstimators.open(model.path())) {
            copy = model.path();
            assertThat(files(copy)).isEqualTo(files(FOLDER)).contains("roi2-sex/female.onnx");
            for (String f : files(FOLDER)) {
                assertThat(Files.mismatch(FOLDER.resolve(f), copy.resolve(f))).as(f).isEqualTo(-1L);
            }
            assertThat(estimator).isInstanceOf(EnsembleEstimator.class);
            assertThat(((EnsembleEstimator) estimator).members()).hasSize(4);
            assertThat(estimator.model().name()).isEqualTo(EnsembleBundle.read(FOLDER).name());
        }
        assertThat(copy).doesNotExist();
    }
}
