package io.github.boneage.core.landmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.MissingLandmarksException;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Koitka et al. landmarks of 192 rsna-299 images, read with the project's reader, and their ROIs. */
@Tag("data")
class KoitkaLandmarksDataTest {

    private static final Logger LOG = LoggerFactory.getLogger(KoitkaLandmarksDataTest.class);
    private static final int SIZE = 299;

    @Test
    void readsEveryRowWithPointsInsideTheImages() throws IOException {
        Path csv = SharedData.require("data/landmarks/koitka-train-299.csv");
        Path images = SharedData.require("data/rsna-299/images");
        LandmarksTable table = LandmarksCsv.read(csv);
        assertThat(table.size()).isEqualTo(192);
        assertThat(table.hasFingertips()).isFalse();
        for (String id : table.ids()) {
            assertThat(Files.exists(images.resolve(id + ".jpg"))).as("image of " + id).isTrue();
            assertThat(table.forImage(id, SIZE, SIZE)).isPresent();
        }
    }

    @Test
    void everyRoiLiesInsideTheImageAndRoi1IsInsideRoi2() throws IOException {
        LandmarksTable table = LandmarksCsv.read(SharedData.require("data/landmarks/koitka-train-299.csv"));
        Map<RoiScheme.Side, Integer> wristSides = new EnumMap<>(RoiScheme.Side.class);
        double roi1Area = 0;
        double roi2Area = 0;
        int roi2Clamped = 0;
        for (String id : table.ids()) {
            HandLandmarks lm = table.forImage(id, SIZE, SIZE).orElseThrow();
            Roi roi1 = RoiScheme.ROI1.region(SIZE, SIZE, lm);
            Roi roi2 = RoiScheme.ROI2.region(SIZE, SIZE, lm);
            assertThat(roi1.fitsIn(SIZE, SIZE)).as("ROI1 of " + id).isTrue();
            assertThat(roi2.fitsIn(SIZE, SIZE)).as("ROI2 of " + id).isTrue();
            assertThat(roi2.contains(roi1)).as("ROI1 inside ROI2 for " + id + ": " + roi1 + " " + roi2).isTrue();
            assertThat(roi2.width() * roi2.height()).isGreaterThan(roi1.width() * roi1.height());
            assertThatThrownBy(() -> RoiScheme.ROI3.region(SIZE, SIZE, lm)).isInstanceOf(MissingLandmarksException.class);
            wristSides.merge(RoiScheme.wristSide(lm), 1, Integer::sum);
            roi1Area += roi1.width() * (double) roi1.height();
            roi2Area += roi2.width() * (double) roi2.height();
            // the same hand in the middle of a much larger image shows ROI2's size before clamping
            Roi unclamped = RoiScheme.ROI2.region(SIZE + 2000, SIZE + 2000, lm.translated(-1000, -1000));
            roi2Clamped += unclamped.width() != roi2.width() || unclamped.height() != roi2.height() ? 1 : 0;
        }
        int n = table.size();
        LOG.info("koitka-train-299: {} images, wrist sides {}, mean ROI1 area {} px ({}% of the image), "
                        + "mean ROI2 area {} px ({}%), ROI2 cut by the border in {} images",
                n, wristSides, Math.round(roi1Area / n), Math.round(100 * roi1Area / n / (SIZE * SIZE)),
                Math.round(roi2Area / n), Math.round(100 * roi2Area / n / (SIZE * SIZE)), roi2Clamped);
        assertThat(wristSides.getOrDefault(RoiScheme.Side.BOTTOM, 0)).as("RSNA hands are mostly upright")
                .isGreaterThan(n / 2);
    }
}
