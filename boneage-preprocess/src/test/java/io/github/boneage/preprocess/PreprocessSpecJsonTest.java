package io.github.boneage.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.RoiScheme;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PreprocessSpecJsonTest {

    private static final String GOLDEN = "preprocess-spec-v1.json";
    private static final String GOLDEN_CLAHE = "preprocess-spec-v1-clahe.json";

    private static String resource(String name) throws IOException {
        try (InputStream in = PreprocessSpecJsonTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String normalized(String text) {
        return text.replace("\r\n", "\n").strip();
    }

    @Test
    void goldenFileReadsAsThePaperSpec() throws IOException {
        assertThat(PreprocessSpecJson.read(resource(GOLDEN), GOLDEN)).isEqualTo(PreprocessSpec.paper(RoiScheme.ROI2, 224));
    }

    @Test
    void writingThePaperSpecGivesTheGoldenFile() throws IOException {
        // Guards the on-disk format: a change here breaks every model bundle written before it.
        assertThat(normalized(PreprocessSpecJson.write(PreprocessSpec.paper(RoiScheme.ROI2, 224)))).isEqualTo(normalized(resource(GOLDEN)));
    }

    @Test
    void claheGoldenFileRoundTrips() throws IOException {
        PreprocessSpec clahe = new PreprocessSpec(RoiScheme.WHOLE, new EqualizerSpec("clahe", 0, 2.5, 8, 6), 0, 1, new double[] {0.5},
                new double[] {0.25});
        assertThat(PreprocessSpecJson.read(resource(GOLDEN_CLAHE), GOLDEN_CLAHE)).isEqualTo(clahe);
        assertThat(normalized(PreprocessSpecJson.write(clahe))).isEqualTo(normalized(resource(GOLDEN_CLAHE)));
    }

    @Test
    void everyMethodRoundTripsThroughAFile(@TempDir Path dir) {
        for (String method : new String[] {"none", "histeq", "histeq-matlab", "clahe"}) {
            PreprocessSpec spec = new PreprocessSpec(RoiScheme.ROI1, EqualizerSpec.ofName(method), 227, 3, new double[] {0.1, 0.2, 1.0 / 3},
                    new double[] {0.3, 0.7, Math.PI});
            Path file = dir.resolve(method + ".json");
            PreprocessSpecJson.write(spec, file);
            assertThat(PreprocessSpecJson.read(file)).isEqualTo(spec);
            assertThat(PreprocessSpecJson.fromTree(PreprocessSpecJson.toTree(spec), "tree")).isEqualTo(spec);
        }
    }

    private static String golden() {
        try {
            return resource(GOLDEN);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces one line of the golden file (1-based) and expects an error naming that field and line. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown version|2|  \"formatVersion\" : 2,|formatVersion|2",
        "version as text|2|  \"formatVersion\" : \"1\",|formatVersion|2",
        "unknown roi|3|  \"roi\" : \"roi9\",|roi|3",
        "roi not a string|3|  \"roi\" : 2,|roi|3",
        "unknown method|5|    \"method\" : \"retinex\",|equalizer.method|5",
        "bins not an integer|6|    \"bins\" : 64.5|equalizer.bins|6",
        "bins out of range|6|    \"bins\" : 1|equalizer|4",
        "negative size|8|  \"size\" : -1,|size|8",
        "two channels|9|  \"channels\" : 2,|channels|9",
        "short mean|10|  \"mean\" : [ 0.485, 0.456 ],|mean|10",
        "mean not numbers|10|  \"mean\" : [ 0.485, \"a\", 0.406 ],|mean|10",
        "zero std|11|  \"std\" : [ 0.229, 0, 0.225 ]|std|11",
        "unknown top field|9|  \"channels\" : 3, \"colour\" : true,|colour|9",
    })
    void badFieldsAreNamedWithTheirLine(String label, int line, String replacement, String field, long expectedLine) {
        String[] lines = golden().split("\n", -1);
        lines[line - 1] = replacement;
        String json = String.join("\n", lines);
        assertThatThrownBy(() -> PreprocessSpecJson.read(json, "spec.json"))
                .as(label)
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("spec.json")
                .satisfies(e -> {
                    InputFormatException ife = (InputFormatException) e;
                    assertThat(ife.source()).isEqualTo("spec.json");
                    assertThat(ife.field()).contains(field);
                    assertThat(ife.line()).isEqualTo(expectedLine);
                });
    }

    @Test
    void parametersOfAnotherMethodAreRefused() {
        String json = golden().replace("\"method\" : \"histeq-matlab\"", "\"method\" : \"histeq\"");
        assertThatThrownBy(() -> PreprocessSpecJson.read(json, "spec.json"))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("equalizer.bins")
                .hasMessageContaining("unknown field 'bins'");
    }

    @Test
    void missingFieldsAreNamed() {
        String noSize = golden().replace("  \"size\" : 224,\n", "");
        assertThatThrownBy(() -> PreprocessSpecJson.read(noSize, "spec.json"))
                .isInstanceOf(InputFormatException.class).hasMessageContaining("size is missing");
        String noBins = golden().replace(",\n    \"bins\" : 64", "");
        assertThatThrownBy(() -> PreprocessSpecJson.read(noBins, "spec.json"))
                .isInstanceOf(InputFormatException.class).hasMessageContaining("equalizer.bins is missing");
        String noVersion = golden().replace("  \"formatVersion\" : 1,\n", "");
        assertThatThrownBy(() -> PreprocessSpecJson.read(noVersion, "spec.json"))
                .isInstanceOf(InputFormatException.class).hasMessageContaining("formatVersion is missing");
    }

    @Test
    void malformedJsonReportsTheLine() {
        String broken = golden().replace("\"size\" : 224,", "\"size\" : 224,,");
        assertThatThrownBy(() -> PreprocessSpecJson.read(broken, "spec.json"))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("spec.json, line 8")
                .hasMessageContaining("malformed JSON");
        String duplicate = golden().replace("\"size\" : 224,", "\"size\" : 224, \"size\" : 227,");
        assertThatThrownBy(() -> PreprocessSpecJson.read(duplicate, "spec.json"))
                .isInstanceOf(InputFormatException.class).hasMessageContaining("size");
        assertThatThrownBy(() -> PreprocessSpecJson.read("[1, 2]", "spec.json"))
                .isInstanceOf(InputFormatException.class).hasMessageContaining("JSON object");
    }

    @Test
    void unreadableFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> PreprocessSpecJson.read(missing))
                .isInstanceOf(InputFormatException.class).hasMessageContaining("nope.json");
    }
}
