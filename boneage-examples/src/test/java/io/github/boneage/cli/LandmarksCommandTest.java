package io.github.boneage.cli;

import static io.github.boneage.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.cli.CliTest.Run;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.landmarks.LandmarksCsv;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.preprocess.io.PngWriter;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code boneage landmarks} and {@code preprocess --landmarks auto} on synthetic hands and a blank image. */
class LandmarksCommandTest {

    @TempDir
    static Path work;
    static Path images;

    @BeforeAll
    static void makeImages() throws IOException {
        images = Files.createDirectories(work.resolve("images"));
        SyntheticHandGenerator generator = SyntheticHandGenerator.builder().setSeed(77).optImageSize(400, 500)
                .optRotationRange(-5, 5).build();
        for (long i = 1; i <= 2; i++) {
            PngWriter.write(generator.generate(i).image(), images.resolve("hand" + i + ".png"));
        }
        PngWriter.write(new GreyImage8(400, 500), images.resolve("blank.png"));
    }

    @Test
    void writesAcceptedHandsAndReportsTheRejectedImage() throws IOException {
        Path csv = work.resolve("found.csv");
        Path report = work.resolve("report.csv");
        Path overlays = work.resolve("overlays");
        Run r = run("landmarks", images.toString(), "--out", csv.toString(), "--report", report.toString(),
                "--overlays", overlays.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.PARTIAL);
        assertThat(r.err()).contains("blank.png").contains("NO_HAND");
        LandmarksTable table = LandmarksCsv.read(csv);
        assertThat(table.ids()).containsExactly("hand1", "hand2");
        assertThat(table.hasFingertips()).isTrue();
        List<String> lines = Files.readAllLines(report);
        assertThat(lines.get(0)).isEqualTo("id,file,verdict,confidence,inverted,reason,hand_area,hand_box");
        assertThat(lines).hasSize(4).anyMatch(l -> l.startsWith("blank,") && l.contains("NO_HAND"));
        // The default (learned) detector's hand mask: its share of the image and its box; none for the blank image.
        assertThat(lines).anyMatch(l -> l.startsWith("hand1,") && l.matches(".*,\\d+\\.\\d,\\d+ \\d+ \\d+ \\d+$"));
        assertThat(lines).anyMatch(l -> l.startsWith("blank,") && l.endsWith(",,"));
        assertThat(overlays.resolve("hand1.png")).isNotEmptyFile();
        assertThat(overlays.resolve("blank.png")).isNotEmptyFile();
    }

    @Test
    void learnedDetectorOnRequest() throws IOException {
        Path csv = work.resolve("learned.csv");
        Run r = run("landmarks", images.toString(), "--out", csv.toString(), "--detector", "learned+classical");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.PARTIAL);
        assertThat(r.err()).contains("blank.png").contains("NO_HAND");
        assertThat(LandmarksCsv.read(csv).ids()).containsExactly("hand1", "hand2");
        Run bad = run("landmarks", images.toString(), "--out", csv.toString(), "--detector", "neural");
        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("--detector").contains("neural");
    }

    /** Contact sheets: every image, refused ones included, as a labelled thumbnail; pages of 8 x 6. */
    @Test
    void contactSheetsHoldEveryImage() throws IOException {
        Path pages = work.resolve("sheets");
        Run r = run("landmarks", images.toString(), "--out", work.resolve("sheeted.csv").toString(), "--sheets",
                pages.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.PARTIAL);
        assertThat(r.out()).contains("1 contact sheet(s) -> " + pages);
        java.awt.image.BufferedImage page = javax.imageio.ImageIO.read(pages.resolve("sheet-001.png").toFile());
        // Three images: one row of 8 cells.
        assertThat(page.getWidth()).isEqualTo(ContactSheets.COLUMNS * ContactSheets.THUMB);
        assertThat(page.getHeight()).isLessThan(2 * ContactSheets.THUMB);
        // The first three cells hold thumbnails (not the background), the fourth is empty.
        int background = page.getRGB(3 * ContactSheets.THUMB + ContactSheets.THUMB / 2, ContactSheets.THUMB / 2);
        for (int cell = 0; cell < 3; cell++) {
            boolean drawn = false;
            for (int y = 0; y < ContactSheets.THUMB && !drawn; y += 4) {
                drawn = page.getRGB(cell * ContactSheets.THUMB + ContactSheets.THUMB / 2, y) != background;
            }
            assertThat(drawn).as("cell %d", cell).isTrue();
        }
        assertThat(pages.resolve("sheet-002.png")).doesNotExist();
    }

    @Test
    void allGoodImagesGiveExitZero() {
        Run r = run("landmarks", images.resolve("hand1.png").toString(), "--out", work.resolve("one.csv").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 accepted");
    }

    @Test
    void preprocessWithAutomaticLandmarks() {
        Path out = work.resolve("roi1.png");
        Run r = run("preprocess", images.resolve("hand1.png").toString(), "--out", out.toString(), "--roi", "roi1",
                "--landmarks", "auto", "--size", "64");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(out).isNotEmptyFile();
    }

    @Test
    void preprocessWithAutomaticLandmarksReportsTheQualityGate() {
        Run r = run("preprocess", images.resolve("blank.png").toString(), "--out", work.resolve("x.png").toString(),
                "--roi", "roi1", "--landmarks", "auto");
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.err()).contains("blank.png").contains("quality gate NO_HAND");
    }

    @Test
    void rejectsAConfidenceOutsideTheUnitInterval() {
        Run r = run("landmarks", images.toString(), "--out", work.resolve("y.csv").toString(), "--min-confidence", "2");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--min-confidence");
    }

    @Test
    void anUnreadableFileIsReportedAndTheOthersAreStillWritten() throws IOException {
        Path dir = Files.createDirectories(work.resolve("mixed"));
        Files.copy(images.resolve("hand1.png"), dir.resolve("hand1.png"));
        Files.writeString(dir.resolve("broken.png"), "not an image");
        Path csv = work.resolve("mixed.csv");
        Run r = run("landmarks", dir.toString(), "--out", csv.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.PARTIAL);
        assertThat(r.err()).contains("broken.png");
        assertThat(LandmarksCsv.read(csv).ids()).containsExactly("hand1");
    }
}
