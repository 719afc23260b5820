package io.github.boneage.preprocess.landmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.preprocess.landmarks.impl.HandAnalyzer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The detector on images no radiograph looks like (issue #11): extreme aspect ratios crashed the analysis with an
 * {@code IndexOutOfBoundsException}; now they, and random images of random shapes, get a verdict and never an exception.
 */
class DetectorRobustnessTest {

    private static final ClassicalLandmarkDetector DETECTOR = ClassicalLandmarkDetector.builder().build();

    private static GreyImage8 noise(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] data = new byte[w * h];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) r.nextInt(256);
        }
        return new GreyImage8(w, h, data);
    }

    @Test
    void extremeAspectRatiosAreNotAHandInsteadOfACrash() {
        // The hostile tester's case: more than 170 times taller than wide.
        for (int[] size : new int[][] {{40, 7000}, {7000, 40}, {32, 5600}, {33, 1000}}) {
            GreyImage8 strip = noise(size[0], size[1], size[0]);
            LandmarkDetection d = DETECTOR.detect(strip, "strip.png");
            assertThat(d.verdict()).as("%dx%d", size[0], size[1]).isEqualTo(QualityVerdict.NOT_A_HAND);
            assertThat(d.reason()).contains("not a hand").contains(" : 1");
        }
    }

    @Test
    void theAnalysisItselfNeverThrowsOnRandomShapesAndContents() {
        // HandAnalyzer directly, so that the detector's safety net cannot hide a failure.
        HandAnalyzer analyzer = new HandAnalyzer(ClassicalLandmarkDetector.DEFAULT_WORKING_SIDE);
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 60; i++) {
            int w = 1 + r.nextInt(i % 3 == 0 ? 40 : 400);
            int h = 1 + r.nextInt(i % 3 == 1 ? 40 : 400);
            GreyImage image = i % 4 == 0 ? sixteen(w, h, r.nextLong()) : i % 4 == 1 ? blocks(w, h, r) : noise(w, h, r.nextLong());
            HandAnalyzer.Analysis a = analyzer.analyse(image);
            assertThat(a).as("%dx%d", w, h).isNotNull();
            LandmarkDetection d = DETECTOR.detect(image, "random.png");
            assertThat(d.reason()).as("%dx%d", w, h).doesNotContain("analysis failed");
        }
    }

    private static GreyImage16 sixteen(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] data = new short[w * h];
        for (int i = 0; i < data.length; i++) {
            data[i] = (short) r.nextInt(4096);
        }
        return new GreyImage16(w, h, 12, data);
    }

    /** Bright rectangles on a dark ground: objects the segmentation keeps, of every shape. */
    private static GreyImage8 blocks(int w, int h, SplittableRandom r) {
        byte[] data = new byte[w * h];
        for (int k = 0; k < 6; k++) {
            int x0 = r.nextInt(w);
            int y0 = r.nextInt(h);
            int x1 = Math.min(w, x0 + 1 + r.nextInt(Math.max(1, w / 2)));
            int y1 = Math.min(h, y0 + 1 + r.nextInt(Math.max(1, h / 2)));
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    data[y * w + x] = (byte) (150 + r.nextInt(100));
                }
            }
        }
        return new GreyImage8(w, h, data);
    }
}
