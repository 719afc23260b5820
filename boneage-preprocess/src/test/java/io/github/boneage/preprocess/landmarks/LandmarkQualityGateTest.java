package io.github.boneage.preprocess.landmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The quality gate's verdicts on images that must not be estimated. */
class LandmarkQualityGateTest {

    private static final ClassicalLandmarkDetector DETECTOR = ClassicalLandmarkDetector.builder().build();

    @Test
    void blankImageHasNoHand() {
        GreyImage8 blank = new GreyImage8(400, 500);
        java.util.Arrays.fill(blank.data(), (byte) 40);
        LandmarkDetection d = DETECTOR.detect(blank, "blank");
        assertThat(d.verdict()).isEqualTo(QualityVerdict.NO_HAND);
        assertThat(d.reason()).contains("no hand");
    }

    @Test
    void noiseOnlyHasNoHand() {
        GreyImage8 noise = new GreyImage8(400, 500);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < noise.data().length; i++) {
            noise.data()[i] = (byte) random.nextInt(256);
        }
        LandmarkDetection d = DETECTOR.detect(noise, "noise");
        assertThat(d.verdict()).as(d.reason()).isEqualTo(QualityVerdict.NO_HAND);
    }

    @Test
    void twoHandsSideBySideAreRejected() {
        SyntheticHandGenerator generator = SyntheticHandGenerator.builder().setSeed(5).optImageSize(300, 400)
                .optRotationRange(0, 0).optTranslation(0).optNoiseRange(0, 0).optBackgroundRange(0.05, 0.05).build();
        GreyImage8 left = (GreyImage8) generator.generate(1L).image();
        GreyImage8 right = (GreyImage8) generator.generate(2L).image();
        GreyImage8 both = new GreyImage8(600, 400);
        for (int y = 0; y < 400; y++) {
            System.arraycopy(left.data(), y * 300, both.data(), y * 600, 300);
            System.arraycopy(right.data(), y * 300, both.data(), y * 600 + 300, 300);
        }
        LandmarkDetection d = DETECTOR.detect(both, "two hands");
        assertThat(d.verdict()).as(d.reason()).isEqualTo(QualityVerdict.MULTIPLE_HANDS);
        assertThat(d.landmarks()).isEmpty();
    }

    @Test
    void aBrightDiscIsNotAHand() {
        GreyImage8 disc = new GreyImage8(400, 500);
        for (int y = 0; y < 500; y++) {
            for (int x = 0; x < 400; x++) {
                double dx = (x - 200) / 120.0;
                double dy = (y - 250) / 170.0;
                disc.set(x, y, dx * dx + dy * dy <= 1 ? 200 : 30);
            }
        }
        LandmarkDetection d = DETECTOR.detect(disc, "disc");
        assertThat(d.verdict()).as(d.reason()).isEqualTo(QualityVerdict.NOT_A_HAND);
        assertThat(d.reason()).contains("not a hand");
    }

    @Test
    void anExposureWithoutBackgroundIsNotAHand() {
        // A chest-like exposure: bright tissue covering almost the whole film, with a darker band.
        GreyImage8 chest = new GreyImage8(500, 500);
        for (int y = 0; y < 500; y++) {
            for (int x = 0; x < 500; x++) {
                chest.set(x, y, Math.abs(x - 250) < 20 ? 120 : 180 + (x * 7 + y * 3) % 20);
            }
        }
        LandmarkDetection d = DETECTOR.detect(chest, "chest");
        assertThat(d.ok()).isFalse();
    }

    @Test
    void aTooSmallImageIsReportedNotThrown() {
        LandmarkDetection d = DETECTOR.detect(new GreyImage8(20, 20), "small");
        assertThat(d.verdict()).isEqualTo(QualityVerdict.NO_HAND);
        assertThat(d.reason()).contains("20x20");
    }
}
