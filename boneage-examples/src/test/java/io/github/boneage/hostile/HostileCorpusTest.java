package io.github.boneage.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.NotARegularFileException;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.dicom.DicomReader;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads every file of the hostile-input corpus ({@code src/test/resources/hostile}, written by
 * {@code tools/make_hostile_corpus.py}) and checks the outcome {@code expected.csv} states: {@code decoded}, or
 * {@code refused:<Class>} for a typed exception of that class (or a subclass). No other {@link Throwable} may escape:
 * an unexpected exception, an {@link Error} or a wrong type fails the test with the file named. {@code .dcm} files go
 * through {@link DicomReader}, the rest through {@link ImageDecoder} with its default limits; every decoded image then
 * goes through the landmark detector, which must answer with a verdict, never an exception.
 */
class HostileCorpusTest {

    /** One line of expected.csv. */
    record Case(String file, String expected, String description) {
    }

    @TempDir
    Path tmp;

    static Path corpus() throws URISyntaxException {
        URL url = HostileCorpusTest.class.getResource("/hostile/expected.csv");
        assertThat(url).as("hostile corpus on the test class path").isNotNull();
        return Path.of(url.toURI()).getParent();
    }

    /** Reads expected.csv: a header, then file,expected,case with no quoted commas in the first two fields. */
    static List<Case> cases(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("expected.csv"), StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("file,expected,case");
        List<Case> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] parts = line.split(",", 3);
            String description = parts[2].startsWith("\"") ? parts[2].substring(1, parts[2].length() - 1).replace("\"\"", "\"")
                    : parts[2];
            out.add(new Case(parts[0], parts[1], description));
        }
        return out;
    }

    /** @return whether an exception's simple name is the expected class or one of its subclasses */
    static boolean isA(Class<?> actual, String expectedSimpleName) {
        for (Class<?> c = actual; c != null; c = c.getSuperclass()) {
            if (c.getSimpleName().equals(expectedSimpleName)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyFileHasItsExpectedOutcomeAndNothingElseEscapes() throws Exception {
        Path dir = corpus();
        List<Case> cases = cases(dir);
        ImageDecoder decoder = ImageDecoder.create();
        ClassicalLandmarkDetector detector = ClassicalLandmarkDetector.builder().build();
        Map<String, Integer> tally = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            Path file = dir.resolve(c.file());
            Throwable escaped = null;
            String got;
            Class<?> type = null;
            try {
                GreyImage image = c.file().endsWith(".dcm") ? DicomReader.create().read(file).image() : decoder.decode(file);
                LandmarkDetection d = detector.detect(image, file.toString());
                got = "decoded (" + d.verdict() + ")";
                if (d.reason().contains("analysis failed")) {
                    wrong.add(c.file() + ": the detector's analysis failed: " + d.reason());
                }
            } catch (BoneAgeException e) {
                type = e.getClass();
                got = "refused:" + e.getClass().getSimpleName();
                if (!e.getMessage().contains(c.file())) {
                    wrong.add(c.file() + ": message does not name the file: " + e.getMessage());
                }
            } catch (Throwable t) {
                escaped = t;
                got = "escaped " + t;
            }
            boolean ok = escaped == null && (c.expected().equals("decoded") ? got.startsWith("decoded")
                    : c.expected().startsWith("refused:") && type != null && isA(type, c.expected().substring(8)));
            if (!ok) {
                wrong.add(c.file() + ": expected " + c.expected() + ", got " + got);
            }
            tally.merge(got.startsWith("decoded") ? "decoded" : got, 1, Integer::sum);
        }
        System.out.println("hostile corpus: " + cases.size() + " files: " + tally);
        assertThat(wrong).as("files whose outcome differs from expected.csv").isEmpty();
    }

    @Test
    void everyCorpusFileIsListedInExpectedCsv() throws Exception {
        Path dir = corpus();
        List<String> listed = cases(dir).stream().map(Case::file).sorted().toList();
        try (Stream<Path> files = Files.list(dir)) {
            List<String> present = files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("expected.csv") && !n.equals("README.md")).sorted().toList();
            assertThat(present).isEqualTo(listed);
        }
    }

    @Test
    void theElongatedImageIsNotAHandEvenWhenTheDecoderLetsItThrough() throws Exception {
        // The decoder refuses it by default; a caller who relaxes the limits still gets a verdict, not a crash.
        ImageDecoder lax = ImageDecoder.builder().optMaxAspectRatio(1000).optMinSide(1).build();
        GreyImage strip = lax.decode(corpus().resolve("aspect-64x11200.png"));
        LandmarkDetection d = ClassicalLandmarkDetector.builder().build().detect(strip, "aspect-64x11200.png");
        assertThat(d.verdict()).isEqualTo(QualityVerdict.NOT_A_HAND);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void fifosNamedAsImagesAreRefusedWithoutHanging() throws Exception {
        // A FIFO cannot be committed; made here. Reading one used to block forever.
        for (String name : List.of("pipe.png", "pipe.jpg", "pipe.dcm")) {
            Path fifo = tmp.resolve(name);
            Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
            assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo is not available");
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> {
                if (name.endsWith(".dcm")) {
                    DicomReader.create().read(fifo);
                } else {
                    ImageDecoder.create().decode(fifo);
                }
            });
            assertThat(t).as(name).isInstanceOf(NotARegularFileException.class).hasMessageContaining(name);
            assertThat(DicomReader.isDicom(fifo)).isFalse();
        }
    }
}
