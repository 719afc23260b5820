package io.github.boneage.djl.landmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.djl.landmarks.impl.Affine;
import io.github.boneage.djl.landmarks.impl.Heatmaps;
import io.github.boneage.djl.landmarks.impl.NetInput;
import org.junit.jupiter.api.Test;

/** The geometry shared by trainer and detector: affine maps, letterbox, heatmap targets and their decoding. */
class HeatmapGeometryTest {

    @Test
    void peakOfAGaussianTargetIsThePointToAHundredthOfAPixel() {
        int h = 32;
        for (double[] p : new double[][] {{17.3, 40.9}, {64.0, 64.0}, {100.6, 9.2}, {6.5, 118.1}}) {
            float[] map = new float[h * h];
            Heatmaps.gaussian(map, 0, h, p[0], p[1], 1.5);
            Heatmaps.Peak peak = Heatmaps.peak(map, 0, h);
            assertThat(peak.x()).as("x of %s", p[0]).isCloseTo(p[0], within(0.01));
            assertThat(peak.y()).as("y of %s", p[1]).isCloseTo(p[1], within(0.01));
            assertThat(peak.value()).isBetween(0.7, 1.0);
        }
    }

    @Test
    void secondPeakSeesOnlyTheFarGaussian() {
        int h = 32;
        float[] map = new float[h * h];
        Heatmaps.gaussian(map, 0, h, 20, 20, 1.5);
        assertThat(Heatmaps.secondPeak(map, 0, h, 20, 20, 6)).isLessThan(0.01f);
        float[] other = new float[h * h];
        Heatmaps.gaussian(other, 0, h, 100, 100, 1.5);
        for (int i = 0; i < map.length; i++) {
            map[i] = Math.max(map[i], 0.8f * other[i]);
        }
        assertThat(Heatmaps.secondPeak(map, 0, h, 20, 20, 6)).isGreaterThan(0.7f);
    }

    @Test
    void affineComposesAndInverts() {
        Affine m = Affine.translation(-3, 5).then(Affine.mirrorX()).then(Affine.rotation(0.7)).then(Affine.scale(1.3))
                .then(Affine.translation(10, -2));
        Affine back = m.inverse();
        double x = 12.5;
        double y = -7.25;
        assertThat(back.x(m.x(x, y), m.y(x, y))).isCloseTo(x, within(1e-9));
        assertThat(back.y(m.x(x, y), m.y(x, y))).isCloseTo(y, within(1e-9));
        assertThat(m.lengthScale()).isCloseTo(1.3, within(1e-9));
        // then() applies this first: translate by 1 then scale by 2 sends 0 to 2.
        assertThat(Affine.translation(1, 0).then(Affine.scale(2)).x(0, 0)).isEqualTo(2.0);
    }

    @Test
    void letterboxKeepsAspectAndCentres() {
        GreyImage8 img = new GreyImage8(200, 100);
        img.set(150, 20, 255);
        NetInput in = NetInput.of(img, 64);
        assertThat(in.factor()).isEqualTo(1);
        Affine lb = in.letterbox(64);
        assertThat(lb.x(0, 0)).isEqualTo(0.0);
        assertThat(lb.y(0, 0)).isEqualTo(16.0);
        assertThat(lb.x(200, 100)).isEqualTo(64.0);
        assertThat(lb.y(200, 100)).isEqualTo(48.0);
    }

    @Test
    void largeImagesAreBoxReducedByAnIntegerFactor() {
        GreyImage8 img = new GreyImage8(1030, 700);
        for (int y = 0; y < 700; y++) {
            for (int x = 0; x < 1030; x++) {
                img.set(x, y, x < 515 ? 0 : 255);
            }
        }
        NetInput in = NetInput.of(img, 128);
        assertThat(in.factor()).isEqualTo(4);
        assertThat(in.width()).isEqualTo(257);
        assertThat(in.pixels()[0]).isEqualTo(0f);
        assertThat(in.pixels()[256]).isEqualTo(1f);
    }
}
