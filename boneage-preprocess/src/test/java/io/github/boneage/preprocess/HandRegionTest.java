package io.github.boneage.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
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
        int t = HandRegion.otsuThreshold(hist);
        assertThat(t).isBetween(40, 199);
    }
}
