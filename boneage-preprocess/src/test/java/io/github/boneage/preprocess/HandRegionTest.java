package io.github.boneage.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.preprocess.equalize.Histograms;
import io.github.boneage.preprocess.testing.SyntheticHands;
import io.github.boneage.preprocess.testing.SyntheticImages;
import io.github.boneage.preprocess.testing.SyntheticImages.Kind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HandRegionTest {

    /** The generated hand spans x in [0.235, 0.755] of the width and y from 0.08 of the height to the bottom. */
    private static void assertHandBox(Roi roi, int w, int h, int slack) {
        assertThat(roi.x()).isBetween((int) (0.235 * w) - slack, (int) (0.235 * w) + slack);
        assertThat(roi.maxX()).isBetween((int) (0.755 * w) - slack, (int) (0.755 * w) + slack);
        assertThat(roi.y()).isBetween((int) (0.08 * h) - slack, (int) (0.08 * h) + slack);
        assertThat(roi.maxY()).isEqualTo(h);
    }

    @Test
    void findsTheHandAndIgnoresASmallBrightMarker() {
        GreyImage8 img = SyntheticImages.image8(Kind.HAND, 300, 400, 1);
        for (int y = 20; y < 35; y++) {
            for (int x = 260; x < 280; x++) {
                img.set(x, y, 250);
            }
        }
        assertHandBox(HandRegion.find(img), 300, 400, 3);
    }

    @Test
    void largeImagesAreAnalysedReduced() {
        GreyImage8 img = SyntheticImages.image8(Kind.HAND, 1500, 2000, 2);
        Roi roi = HandRegion.find(img);
        // Reduced by 4: the box is exact to the block.
        assertHandBox(roi, 1500, 2000, 8);
    }

    @Test
    void sixteenBitImagesWork() {
        GreyImage16 img = SyntheticImages.image16(Kind.HAND, 300, 400, 12, 3);
        assertHandBox(HandRegion.find(img), 300, 400, 3);
    }

    /** A dark background with a bright palm and faint fingers, as in a real radiograph's soft tissue. */
    private static GreyImage8 palmWithFaintFingers(int background, int fingers, int palm) {
        GreyImage8 img = new GreyImage8(300, 400);
        Arrays.fill(img.data(), (byte) background);
        for (int y = 200; y < 400; y++) {
            for (int x = 90; x < 210; x++) {
                img.set(x, y, palm);
            }
        }
        for (int f = 0; f < 4; f++) {
            for (int y = 60; y < 200; y++) {
                for (int x = 95 + 30 * f; x < 110 + 30 * f; x++) {
                    img.set(x, y, fingers);
                }
            }
        }
        return img;
    }

    @Test
    void keepsFaintFingersAttachedToTheBrightPalm() {
        Roi roi = HandRegion.find(palmWithFaintFingers(8, 40, 180));
        assertThat(roi.y()).isEqualTo(60);
        assertThat(roi.x()).isEqualTo(90);
        assertThat(roi.maxX()).isEqualTo(210);
        assertThat(roi.maxY()).isEqualTo(400);
    }

    @Test
    void aBrightLeadMarkerDoesNotHideADimHand() {
        GreyImage8 img = palmWithFaintFingers(40, 60, 95);
        for (int y = 300; y < 330; y++) {
            for (int x = 20; x < 50; x++) {
                img.set(x, y, 255);
            }
        }
        Roi roi = HandRegion.find(img);
        assertThat(roi).isEqualTo(new Roi(90, 60, 120, 340));
    }

    @Test
    void ignoresAThinBrightFrameAroundTheFilm() {
        GreyImage8 img = palmWithFaintFingers(8, 40, 180);
        for (int x = 0; x < 300; x++) {
            for (int t = 0; t < 3; t++) {
                img.set(x, t, 250);
                img.set(x, 399 - t, 250);
            }
        }
        for (int y = 0; y < 400; y++) {
            for (int t = 0; t < 3; t++) {
                img.set(t, y, 250);
                img.set(299 - t, y, 250);
            }
        }
        Roi roi = HandRegion.find(img);
        assertThat(roi.x()).isEqualTo(90);
        assertThat(roi.y()).isEqualTo(60);
        assertThat(roi.maxX()).isEqualTo(210);
        assertThat(roi.maxY()).isEqualTo(400);
    }

    @Test
    void looksInsideACollimatedExposureField() {
        // Black outside a grey exposure field (10..290 x 10..390) that holds a brighter hand.
        GreyImage8 img = palmWithFaintFingers(90, 150, 200);
        for (int y = 0; y < 400; y++) {
            for (int x = 0; x < 300; x++) {
                if (x < 10 || x >= 290 || y < 10 || y >= 390) {
                    img.set(x, y, 0);
                }
            }
        }
        Roi roi = HandRegion.find(img);
        assertThat(roi.x()).isEqualTo(90);
        assertThat(roi.y()).isEqualTo(60);
        assertThat(roi.maxX()).isEqualTo(210);
        assertThat(roi.maxY()).isEqualTo(390);
    }

    @Test
    void constantImageGivesTheWholeImage() {
        GreyImage8 flat = new GreyImage8(50, 40);
        Arrays.fill(flat.data(), (byte) 90);
        assertThat(HandRegion.find(flat)).isEqualTo(Roi.whole(50, 40));
    }

    @Test
    void unionWithTheLandmarkBox() {
        GreyImage8 img = new GreyImage8(200, 200);
        // A bright square in the top-left; the landmarks lie bottom-right of it.
        for (int y = 10; y < 60; y++) {
            for (int x = 10; x < 60; x++) {
                img.set(x, y, 200);
            }
        }
        HandLandmarks lm = SyntheticHands.landmarks(200, 200);
        Roi roi = HandRegion.find(img, lm);
        assertThat(roi.x()).isEqualTo(10);
        assertThat(roi.y()).isEqualTo(10);
        assertThat(roi.maxX()).isGreaterThanOrEqualTo((int) Math.ceil(0.72 * 200));
        assertThat(roi.maxY()).isGreaterThanOrEqualTo((int) Math.ceil(0.85 * 200));
        assertThat(HandRegion.find(img, null)).isEqualTo(new Roi(10, 10, 50, 50));
    }

    @Test
    void otsuSplitsTwoLevels() {
        int[] hist = new int[256];
        hist[40] = 1000;
        hist[200] = 300;
        int t = Histograms.otsuThreshold(hist);
        assertThat(t).isBetween(40, 199);
    }
}
