package io.github.boneage.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.boneage.cli.CliTestAccess;
import io.github.boneage.core.QualityGateException;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.pipeline.BoneAgePipeline;
import io.github.boneage.pipeline.PipelineInput;
import io.github.boneage.pipeline.PipelineResult;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hostile-input corpus through the whole estimation pipeline, as a library user and as a CLI user meet it: no
 * {@code refused:} file ever gets an estimate, each is refused with the expected exception, the files that decode are
 * either estimated or refused by the gate (never anything else), and the CLI answers exactly what the library does.
 */
class HostilePipelineTest {

    private static final Path BUNDLE = Paths.get("..", "models", "default").toAbsolutePath().normalize();

    @Test
    void theLibraryAndTheCliGiveTheSameAnswerAndNoHostileFileGetsANumber() throws Exception {
        Path dir = HostileCorpusTest.corpus();
        List<HostileCorpusTest.Case> cases = HostileCorpusTest.cases(dir);
        Map<String, PipelineResult> library = new HashMap<>();
        List<String> wrong = new ArrayList<>();
        try (DjlBoneAgeEstimator model = DjlBoneAgeEstimator.builder().setBundle(BUNDLE).build()) {
            BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(model).build();
            for (HostileCorpusTest.Case c : cases) {
                PipelineResult r = pipeline.run(PipelineInput.ofFile(dir.resolve(c.file())));
                library.put(c.file(), r);
                if (c.expected().startsWith("refused:")) {
                    String type = c.expected().substring("refused:".length());
                    if (r.isSuccess() || !HostileCorpusTest.isA(r.error().orElseThrow().getClass(), type)) {
                        wrong.add(c.file() + ": expected " + type + ", got " + r);
                    }
                } else if (!r.isSuccess() && !(r.error().orElseThrow() instanceof QualityGateException)) {
                    wrong.add(c.file() + ": decodes, so only the gate may refuse it, got " + r.error().orElseThrow());
                }
            }
        }
        assertThat(wrong).as("outcomes through the pipeline").isEmpty();

        CliTestAccess.Result cli = CliTestAccess.run("estimate", dir.toString(), "--model", BUNDLE.toString(), "--format", "json",
                "--report-paths");
        JsonNode rows = new ObjectMapper().readTree(cli.out());
        assertThat(rows).hasSize(cases.size());
        for (JsonNode row : rows) {
            String file = Paths.get(row.get("file").asText()).getFileName().toString();
            PipelineResult r = library.get(file);
            assertThat(r).as(file).isNotNull();
            if (r.isSuccess()) {
                assertThat(row.get("boneAgeMonths").asDouble()).as(file)
                        .isEqualTo(r.report().orElseThrow().estimate().months());
            } else {
                assertThat(row.get("boneAgeMonths").isNull()).as(file).isTrue();
                assertThat(row.get("error").asText()).as(file).isEqualTo(r.error().orElseThrow().getMessage());
            }
        }
    }
}
