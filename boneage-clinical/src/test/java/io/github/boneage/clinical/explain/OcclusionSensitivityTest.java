package io.github.boneage.clinical.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.Point;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.synthetic.AgeSignalRegion;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Occlusion heatmaps point at the region that carries the age signal, cover the ROI, and render. */
class OcclusionSensitivityTest {

    private static SyntheticHand hand(AgeSignalRegion region, int bits) {
        return SyntheticHandGenerator.builder().setSeed(17).optImageSize(256, 320).optAgeSignalRegion(region)
                .optAgeRange(60, 180).optBitDepth(bits).build().generate(3L);
    }

    @ParameterizedTest
    @CsvSource({"CARPALS, MEAN_GREY, 8", "RADIUS_ULNA, MEAN_GREY, 12", "PHALANGES, MEAN_GREY, 8", "CARPALS, BLUR, 8",
            "RADIUS_ULNA, BLUR, 8"})
    void hottestCellLiesInTheRegionCarryingTheAgeSignal(AgeSignalRegion region, OcclusionFill fill, int bits) {
        SyntheticHand hand = hand(region, bits);
        Roi signal = hand.regionBounds(region);
        GreyImage image = hand.image();
        try (BoneAgeEstimator reader = new RegionReadingEstimator(signal, Roi.whole(image.width(), image.height()),
                RoiScheme.WHOLE)) {
            OcclusionSensitivity explainer = OcclusionSensitivity.builder().setEstimator(reader)
                    .optPatchFraction(0.12).optFill(fill).build();
            OcclusionHeatmap map = explainer.explain(EstimationRequest.builder().setImage(image)
                    .optLandmarks(hand.landmarks()).optSourceId("hand").build());

            Point hottest = map.hottestPoint();
            assertThat(hottest.x()).as("hottest x vs " + signal).isBetween((double) signal.x(), (double) signal.maxX());
            assertThat(hottest.y()).as("hottest y vs " + signal).isBetween((double) signal.y(), (double) signal.maxY());
            assertThat(map.maxChangeMonths()).isPositive();
            assertThat(map.forwardPasses()).isEqualTo(explainer.forwardPassesFor(map.roi()));
            // A cell whose covering patches all miss the signal region must show no change at all.
            for (int r = 0; r < map.rows(); r++) {
                for (int c = 0; c < map.columns(); c++) {
                    Roi cell = map.cell(c, r);
                    Roi reach = new Roi(Math.max(0, cell.x() - map.patchSize()), Math.max(0, cell.y() - map.patchSize()),
                            cell.width() + 2 * map.patchSize(), cell.height() + 2 * map.patchSize());
                    if (reach.iou(signal) == 0) {
                        assertThat(map.changeMonths(c, r)).isZero();
                    }
                }
            }
        }
    }

    @Test
    void gridCoversOnlyTheEstimatesRoi() {
        GreyImage8 image = new GreyImage8(100, 80);
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 100; x++) {
                image.set(x, y, (x * 7 + y * 3) & 0xFF);
            }
        }
        Roi roi = new Roi(20, 10, 50, 41);
        Roi signal = new Roi(30, 20, 10, 10);
        OcclusionSensitivity explainer = OcclusionSensitivity.builder()
                .setEstimator(new RegionReadingEstimator(signal, roi, RoiScheme.ROI1)).optPatchFraction(0.2)
                .optImagesPerCall(7).build();
        OcclusionHeatmap map = explainer.explain(EstimationRequest.builder().setImage(image).build());
        assertThat(map.roi()).isEqualTo(roi);
        assertThat(map.cellSize()).isEqualTo(4); // 20% of 41 = 8.2 -> 4 px cells, 8 px patches
        assertThat(map.patchSize()).isEqualTo(8);
        assertThat(map.columns()).isEqualTo(13);
        assertThat(map.rows()).isEqualTo(11);
        assertThat(map.cell(12, 10)).isEqualTo(new Roi(68, 50, 2, 1));
        assertThat(map.forwardPasses()).isEqualTo(1 + 13 * 11);
        double[][] grid = map.changeMonthsGrid();
        assertThat(grid).hasNumberOfRows(11);
        assertThat(grid[2][3]).isEqualTo(map.changeMonths(3, 2));
        for (int r = 0; r < map.rows(); r++) {
            for (int c = 0; c < map.columns(); c++) {
                assertThat(roi.contains(map.cell(c, r))).isTrue();
                assertThat(map.normalized(c, r)).isBetween(0.0, 1.0);
            }
        }
    }

    @Test
    void aFailingOccludedEstimateFailsTheHeatmapNamingTheCell() {
        GreyImage16 image = new GreyImage16(40, 40, 12);
        BoneAgeEstimator picky = new BoneAgeEstimator() {
            @Override
            public BoneAgeEstimate estimate(EstimationRequest request) {
                if (request.image().get(0, 0) != 0) {
                    throw new BoneAgeException(request.sourceId() + ": refused");
                }
                return new BoneAgeEstimate(request.sourceId(), 100, request.sex(), RoiScheme.WHOLE, Roi.whole(40, 40),
                        model());
            }

            @Override
            public ModelInfo model() {
                return new ModelInfo("picky", "test", "p", io.github.boneage.core.ModelProvenance.unknown());
            }

            @Override
            public void close() {
            }
        };
        image.set(5, 5, 4000); // makes the mean-grey fill non-zero, so occluding (0,0) trips the estimator
        assertThatThrownBy(() -> OcclusionSensitivity.builder().setEstimator(picky).build()
                .explain(EstimationRequest.builder().setImage(image).optSourceId("img-7").build()))
                .isInstanceOf(BoneAgeException.class).hasMessageStartingWith("img-7: estimate with cell (0, 0) occluded");
    }

    @Test
    void rendersAPngWithTheRoiOutlinedAndTheHotCellColoured(@TempDir Path dir) throws Exception {
        SyntheticHand hand = hand(AgeSignalRegion.CARPALS, 12);
        Roi signal = hand.regionBounds(AgeSignalRegion.CARPALS);
        GreyImage image = hand.image();
        Roi roi = new Roi(10, 10, 230, 300);
        OcclusionHeatmap map = OcclusionSensitivity.builder()
                .setEstimator(new RegionReadingEstimator(signal, roi, RoiScheme.ROI2)).build()
                .explain(EstimationRequest.builder().setImage(image).build());
        Path png = dir.resolve("heat/hand.png");
        HeatmapRenderer.builder().build().writePng(image, map, png);
        BufferedImage read = ImageIO.read(png.toFile());
        assertThat(read.getWidth()).isEqualTo(256 + HeatmapRenderer.COLOUR_BAR_WIDTH);
        assertThat(read.getHeight()).isEqualTo(320);
        assertThat(read.getRGB(10, 100) & 0xFFFFFF).isEqualTo(HeatmapRenderer.outlineRgb());
        int outside = read.getRGB(3, 3) & 0xFFFFFF;
        assertThat(outside >> 16).isEqualTo((outside >> 8) & 0xFF).isEqualTo(outside & 0xFF);
        Point hot = map.hottestPoint();
        int rgb = read.getRGB((int) hot.x(), (int) hot.y());
        assertThat((rgb >> 16) & 0xFF).as("red over the hottest cell").isGreaterThan(rgb & 0xFF);

        BufferedImage small = HeatmapRenderer.builder().optMaxSide(64).build().render(image, map);
        assertThat(small.getHeight()).isEqualTo(64);
        assertThat(small.getWidth()).isEqualTo(51 + HeatmapRenderer.COLOUR_BAR_WIDTH);
        assertThat(HeatmapRenderer.colour(0)).isEqualTo(0x0000FF);
        assertThat(HeatmapRenderer.colour(1)).isEqualTo(0xFF0000);
        assertThat(HeatmapRenderer.builder().optColourBar(false).build().render(image, map).getWidth()).isEqualTo(256);
    }

    @Test
    void theRenderingCarriesALabelledColourBar() {
        SyntheticHand hand = hand(AgeSignalRegion.CARPALS, 12);
        Roi signal = hand.regionBounds(AgeSignalRegion.CARPALS);
        Roi roi = new Roi(10, 10, 230, 300);
        OcclusionHeatmap map = OcclusionSensitivity.builder()
                .setEstimator(new RegionReadingEstimator(signal, roi, RoiScheme.ROI2)).build()
                .explain(EstimationRequest.builder().setImage(hand.image()).build());
        BufferedImage img = HeatmapRenderer.builder().build().render(hand.image(), map);
        java.awt.Rectangle bar = io.github.boneage.clinical.impl.ColourScale.barArea(256, 320);
        assertThat(bar.x).isGreaterThanOrEqualTo(256);
        assertThat(bar.x + bar.width).isLessThanOrEqualTo(img.getWidth());
        // Top: the colour of the highest relevance; bottom: the lowest; in between, the map in order, on every column.
        for (int x = bar.x; x < bar.x + bar.width; x++) {
            assertThat(img.getRGB(x, bar.y) & 0xFFFFFF).isEqualTo(HeatmapRenderer.colour(1));
            assertThat(img.getRGB(x, bar.y + bar.height - 1) & 0xFFFFFF).isEqualTo(HeatmapRenderer.colour(0));
        }
        int middle = img.getRGB(bar.x + 2, bar.y + (bar.height - 1) / 2) & 0xFFFFFF;
        assertThat(middle).isEqualTo(HeatmapRenderer.colour(1 - (double) ((bar.height - 1) / 2) / (bar.height - 1)));
        // The panel around it is dark, and its labels are drawn in light pixels to the right of the bar.
        assertThat(img.getRGB(img.getWidth() - 1, img.getHeight() / 2) & 0xFFFFFF)
                .isEqualTo(io.github.boneage.clinical.impl.ColourScale.PANEL_RGB);
        int light = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = bar.x + bar.width + 1; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFF) > 160) {
                    light++;
                }
            }
        }
        assertThat(light).as("label text pixels").isGreaterThan(40);
    }
}
