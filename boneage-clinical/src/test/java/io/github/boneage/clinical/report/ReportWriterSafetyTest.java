package io.github.boneage.clinical.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.clinical.explain.HeatmapRenderer;
import io.github.boneage.clinical.explain.OcclusionHeatmap;
import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage8;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reports and heatmaps land only inside their folder, never through a symbolic link, and atomically. */
class ReportWriterSafetyTest {

    @TempDir
    Path work;

    private Path victim() throws IOException {
        return Files.writeString(work.resolve("victim.txt"), "precious");
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void symlinkedReportFileIsRefusedAndItsTargetUntouched() throws IOException {
        Path victim = victim();
        Path reports = Files.createDirectories(work.resolve("reports"));
        Files.createSymbolicLink(reports.resolve("hand.json"), victim);
        assertThatThrownBy(() -> ReportWriter.write(ReportFixtures.full(false), reports, "hand"))
                .isInstanceOfSatisfying(ReportWriteException.class,
                        e -> assertThat(e.file()).isEqualTo(reports.resolve("hand.json")))
                .hasMessageContaining("hand.json").hasMessageContaining("is a symbolic link; refused");
        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(Files.isSymbolicLink(reports.resolve("hand.json"))).isTrue();
        assertThat(names(reports)).as("no temporary file left").containsExactly("hand.json");
    }

    @Test
    void symlinkedHtmlOrFhirFileIsRefusedToo() throws IOException {
        Path victim = victim();
        Path reports = Files.createDirectories(work.resolve("reports"));
        Files.createSymbolicLink(reports.resolve("hand.fhir.json"), victim);
        assertThatThrownBy(() -> ReportWriter.write(ReportFixtures.full(false), reports, "hand"))
                .isInstanceOf(ReportWriteException.class).hasMessageContaining("hand.fhir.json");
        assertThat(Files.readString(victim)).isEqualTo("precious");
    }

    @Test
    void reportFolderThatIsASymlinkIsFine() throws IOException {
        Path real = Files.createDirectories(work.resolve("real"));
        Path link = Files.createSymbolicLink(work.resolve("link"), real);
        List<Path> files = ReportWriter.write(ReportFixtures.full(false), link, "hand");
        assertThat(files).hasSize(3);
        assertThat(names(real)).containsExactly("hand.fhir.json", "hand.html", "hand.json");
    }

    @Test
    void existingRegularFilesAreReplacedAtomicallyWithNoTemporaryFilesLeft() throws IOException {
        Path reports = Files.createDirectories(work.resolve("reports"));
        Files.writeString(reports.resolve("hand.json"), "old");
        ReportWriter.write(ReportFixtures.full(false), reports, "hand");
        assertThat(Files.readString(reports.resolve("hand.json"))).startsWith("{").doesNotContain("old");
        assertThat(names(reports)).containsExactly("hand.fhir.json", "hand.html", "hand.json");
    }

    @Test
    void directoryInPlaceOfAReportFileIsRefused() throws IOException {
        Path reports = Files.createDirectories(work.resolve("reports"));
        Files.createDirectories(reports.resolve("hand.json"));
        assertThatThrownBy(() -> ReportWriter.write(ReportFixtures.full(false), reports, "hand"))
                .isInstanceOf(ReportWriteException.class).hasMessageContaining("is not a regular file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escaped", "sub/hand", "..", ".", "", "a\u0000b", "a\\b", ".hidden", "line\nbreak"})
    void unsafeIdsAreRefusedAndNothingIsWritten(String id) throws IOException {
        Path reports = Files.createDirectories(work.resolve("reports"));
        assertThatThrownBy(() -> ReportWriter.write(ReportFixtures.full(false), reports, id))
                .isInstanceOf(ReportWriteException.class).hasMessageContaining("report id '")
                .hasMessageContaining("refused");
        assertThat(names(reports)).isEmpty();
        assertThat(names(work)).containsExactly("reports");
    }

    @Test
    void symlinkedSubfolderCannotBeReachedThroughAnId() throws IOException {
        Path outside = Files.createDirectories(work.resolve("outside"));
        Path reports = Files.createDirectories(work.resolve("reports"));
        Files.createSymbolicLink(reports.resolve("sub"), outside);
        assertThatThrownBy(() -> ReportWriter.write(ReportFixtures.full(false), reports, "sub/hand"))
                .isInstanceOf(ReportWriteException.class).hasMessageContaining("path separator");
        assertThat(names(outside)).isEmpty();
    }

    @Test
    void heatmapPngIsWrittenSafelyToo() throws IOException {
        Path victim = victim();
        Path reports = Files.createDirectories(work.resolve("reports"));
        GreyImage8 image = new GreyImage8(40, 40);
        OcclusionHeatmap map = new OcclusionHeatmap("hand", Roi.whole(40, 40), 10, 20, 100, new double[16], 17);
        HeatmapRenderer renderer = HeatmapRenderer.builder().build();
        Files.createSymbolicLink(reports.resolve("hand-heatmap.png"), victim);
        assertThatThrownBy(() -> renderer.writePng(image, map, reports.resolve("hand-heatmap.png")))
                .isInstanceOf(ReportWriteException.class).hasMessageContaining("is a symbolic link");
        assertThat(Files.readString(victim)).isEqualTo("precious");
        renderer.writePng(image, map, reports.resolve("other-heatmap.png"));
        assertThat(Files.readAllBytes(reports.resolve("other-heatmap.png"))).startsWith((byte) 0x89, (byte) 'P', (byte) 'N',
                (byte) 'G');
        assertThat(names(reports)).containsExactly("hand-heatmap.png", "other-heatmap.png");
    }
}
