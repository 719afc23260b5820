package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.boneage.djl.ClasspathModel;
import io.github.boneage.djl.ClasspathModels;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import io.github.boneage.djl.landmarks.LearnedLandmarkDetector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's example, as a consumer of the published artifacts runs it. */
class ReadmeExampleTest {

    private static final Path ROOT = Path.of(System.getProperty("boneage.root"));

    /** Lines between the two markers (or the README's first java block), without their common indentation. */
    private static List<String> block(List<String> lines, String begin, String end) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : lines) {
            if (!in && line.trim().equals(begin)) {
                in = true;
            } else if (in && line.trim().equals(end)) {
                return strip(out);
            } else if (in) {
                out.add(line);
            }
        }
        throw new AssertionError("no block between " + begin + " and " + end);
    }

    private static List<String> strip(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent).stripTrailing()).toList();
    }

    @Test
    void theExampleIsTheReadmesUnchanged() throws Exception {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        List<String> afterHeading = readme.subList(readme.indexOf("## Using the library"), readme.size());
        List<String> documented = block(afterHeading, "```java", "```");
        List<String> compiled = block(Files.readAllLines(Path.of("src/main/java/com/example/ReadmeExample.java"),
                StandardCharsets.UTF_8), "// README:BEGIN", "// README:END");
        assertEquals(String.join("\n", documented), String.join("\n", compiled));
    }

    /**
     * The consumer resolves the commons-io that commons-csv needs (boneage-bom pins it): with DJL's nearer 2.16.1,
     * LandmarksCsv.read failed with NoClassDefFoundError on this class.
     */
    @Test
    void theConsumerGetsTheCommonsIoThatCommonsCsvNeeds() throws Exception {
        Class.forName("org.apache.commons.io.input.UnsynchronizedBufferedReader");
    }

    /**
     * The learned landmark detector travels in boneage-model-default: a consumer whose jars lie outside a checkout
     * finds it only there. Until ClasspathModels accepted its landmark-model.json manifest the copy was refused and
     * the pipeline silently used the classical detector.
     */
    @Test
    void theLearnedLandmarkDetectorOpensFromTheModelArtifact() throws Exception {
        try (ClasspathModel model = ClasspathModels.open(LandmarkDetectors.CLASSPATH_NAME);
             LearnedLandmarkDetector detector = LearnedLandmarkDetector.builder().setBundle(model.path()).build()) {
            assertTrue(Files.isRegularFile(model.path().resolve("landmark-model.json")), model.path().toString());
        }
    }

    @Test
    void itEstimatesTheSyntheticSampleWithTheDefaultModel() throws Exception {
        Files.copy(ROOT.resolve("samples/synthetic-hand.png"), Path.of("hand.png"), StandardCopyOption.REPLACE_EXISTING);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ReadmeExample.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8).trim();
        original.println("README example printed: " + out);
        Matcher m = Pattern.compile("(-?[0-9.]+(?:E-?[0-9]+)?) months \\((.+)\\)").matcher(out);
        assertTrue(m.matches(), out);
        double months = Double.parseDouble(m.group(1));
        // The synthetic hand has no clinical age; a child's bone age lies in 0-20 years for any sane model.
        assertTrue(months > 0 && months < 240, out);
        assertTrue(m.group(2).contains("year"), out);
    }
}
