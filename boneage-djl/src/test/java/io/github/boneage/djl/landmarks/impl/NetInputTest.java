package io.github.boneage.djl.landmarks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The linear-time median is the element a full sort puts at index length / 2. */
class NetInputTest {

    private static float sortedMedian(float[] p) {
        float[] s = p.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    @Test
    void medianEqualsTheFullSortsMiddleElement() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int w = 1 + rnd.nextInt(40);
            int h = 1 + rnd.nextInt(40);
            float[] p = new float[w * h];
            int levels = 1 + rnd.nextInt(trial % 2 == 0 ? 5 : 100000);
            for (int i = 0; i < p.length; i++) {
                // Few levels make many ties; a skewed cube crowds values into one histogram bin.
                float u = rnd.nextInt(levels) / (float) levels;
                p[i] = trial % 3 == 0 ? u * u * u : u;
            }
            assertThat(NetInput.ofPixels(p, w, h).median()).as("trial %d", trial).isEqualTo(sortedMedian(p));
        }
    }

    @Test
    void constantAndSinglePixelImages() {
        assertThat(NetInput.ofPixels(new float[] {0.25f}, 1, 1).median()).isEqualTo(0.25f);
        float[] flat = new float[12];
        Arrays.fill(flat, 0.7f);
        assertThat(NetInput.ofPixels(flat, 3, 4).median()).isEqualTo(0.7f);
    }
}
