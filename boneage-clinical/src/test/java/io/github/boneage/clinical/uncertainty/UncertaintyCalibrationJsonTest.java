package io.github.boneage.clinical.uncertainty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.BoneAgeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calibration's JSON form: byte-stable against a golden file, and read back equal. */
class UncertaintyCalibrationJsonTest {

    static UncertaintyCalibration sample() {
        return new UncertaintyCalibration(1, new CalibratedModel("boneage-test", "1e539e42"), IntervalMethod.SCALED,
                1.5, TestTimeAugmentation.builder().optRotations(-4, 4).optShiftFraction(0.03).build(), 750,
                "rsna-299 held-out ids, calibration half (seed 7)", "2026-11-22T19:00:00Z",
                List.of(new CalibrationLevel(0.8, 2.25), new CalibrationLevel(0.9, 3.125), new CalibrationLevel(0.95, 4.5)),
                new CalibrationEvaluation("evaluation half", 750, List.of(
                        new CoverageMeasurement(0.8, 0.812, 20.5), new CoverageMeasurement(0.9, 0.904, 28.25),
                        new CoverageMeasurement(0.95, 0.948, 36.0))));
    }

    private static String golden() throws IOException {
        try (InputStream in = UncertaintyCalibrationJsonTest.class.getResourceAsStream("golden-calibration.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void writesTheGoldenFile() throws IOException {
        assertThat(sample().toJson()).isEqualTo(golden());
    }

    @Test
    void readsTheGoldenFileBackEqual() throws IOException {
        UncertaintyCalibration read = UncertaintyCalibration.fromJson(golden(), "golden");
        assertThat(read).isEqualTo(sample());
        assertThat(read.augmentation().augmentations()).hasSize(7);
    }

    @Test
    void roundTripsThroughABundleFolder(@TempDir Path dir) {
        UncertaintyCalibration withoutEvaluation = sample().withEvaluation(null);
        withoutEvaluation.write(UncertaintyCalibration.fileFor(dir));
        assertThat(dir.resolve("uncertainty-calibration.json")).exists();
        assertThat(UncertaintyCalibration.forBundle(dir)).contains(withoutEvaluation);
        assertThat(UncertaintyCalibration.fileFor(dir.resolve("model.zip")).getFileName().toString())
                .isEqualTo("model.uncertainty-calibration.json");
        assertThat(UncertaintyCalibration.forBundle(dir.resolve("absent.zip"))).isEmpty();
    }

    @Test
    void invalidFilesNameTheSourceAndTheProblem(@TempDir Path dir) throws IOException {
        String json = golden().replace("\"formatVersion\" : 1", "\"formatVersion\" : 2");
        assertThatThrownBy(() -> UncertaintyCalibration.fromJson(json, "cal.json"))
                .isInstanceOf(BoneAgeException.class).hasMessageContaining("cal.json")
                .hasMessageContaining("format version 2");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"formatVersion\" : 1, ");
        assertThatThrownBy(() -> UncertaintyCalibration.read(broken)).isInstanceOf(BoneAgeException.class)
                .hasMessageContaining("broken.json");
        String noLevels = golden().replaceAll("(?s)\"levels\" : \\[.*?\\]", "\"levels\" : [ ]");
        assertThatThrownBy(() -> UncertaintyCalibration.fromJson(noLevels, "x.json"))
                .hasMessageContaining("at least one coverage level");
    }
}
