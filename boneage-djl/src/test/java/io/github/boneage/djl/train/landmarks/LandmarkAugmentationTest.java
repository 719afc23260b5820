package io.github.boneage.djl.train.landmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.metrics.AgeMetrics;
import io.github.boneage.djl.landmarks.impl.NetInput;
import io.github.boneage.djl.landmarks.impl.PointOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-mask targets the augmentation renders beside the heatmaps. */
class LandmarkAugmentationTest {

    private static final int SIZE = 128;
    private static final int CELLS = (SIZE / 4) * (SIZE / 4);

    private static LandmarkExample square(float[] mask) {
        float[] pixels = new float[200 * 200];
        Arrays.fill(pixels, 0.5f);
        double[] xs = new double[PointOrder.COUNT];
        double[] ys = new double[PointOrder.COUNT];
        Arrays.fill(xs, Double.NaN);
        Arrays.fill(ys, Double.NaN);
        LandmarkExample e = new LandmarkExample("square", NetInput.ofPixels(pixels, 200, 200), xs, ys);
        return mask == null ? e : e.withHandMask(mask);
    }

    private static float[] render(LandmarkExample e, long seed, float[] weight) {
        float[] target = new float[CELLS];
        new LandmarkAugmentation(SIZE, 1.5, 0.5).render(e, new Random(seed), new float[SIZE * SIZE],
                new float[PointOrder.COUNT * CELLS], new float[PointOrder.COUNT], target, weight, 0);
        return target;
    }

    @Test
    void aMaskCoveringTheWholeImageCoversWhatTheAugmentedInputShowsOfIt() {
        float[] all = new float[200 * 200];
        Arrays.fill(all, 1f);
        for (long seed = 0; seed < 20; seed++) {
            float[] weight = {-1};
            float[] t = render(square(all), seed, weight);
            assertThat(weight[0]).isEqualTo(1f);
            int full = 0;
            for (float v : t) {
                assertThat(v).isBetween(0f, 1f);
                full += v == 1f ? 1 : 0;
            }
            // Scaled by at least 0.75 and shifted by at most 8%, the square still fills a good part of the input
            // (less where a film frame cleared the mask outside its inner rectangle).
            assertThat(full).as("seed %d", seed).isGreaterThan(CELLS / 5);
        }
    }

    @Test
    void noMaskWeighsNothingAndAnEmptyMaskTeachesNoHand() {
        float[] weight = {-1};
        float[] t = render(square(null), 3, weight);
        assertThat(weight[0]).isZero();
        assertThat(t).containsOnly(0f);
        t = render(square(new float[200 * 200]), 3, weight);
        assertThat(weight[0]).isEqualTo(1f);
        assertThat(t).containsOnly(0f);
    }

    @Test
    void aNegativeHasAnEmptyMaskThatCounts() {
        float[] target = new float[CELLS];
        Arrays.fill(target, 0.7f);
        float[] weight = {-1};
        new LandmarkAugmentation(SIZE, 1.5).renderNegative(new Random(5), new float[SIZE * SIZE],
                new float[PointOrder.COUNT * CELLS], new float[PointOrder.COUNT], target, weight, 0);
        assertThat(weight[0]).isEqualTo(1f);
        assertThat(target).containsOnly(0f);
    }

    @Test
    void theMaskFollowsTheImageThroughTheGeometry() {
        // The image's top-left quarter bright and the rest dark, the mask on that quarter: whatever the rotation,
        // mirror, scale and shift, the rendered mask must lie where the rendered input shows the bright quarter, so
        // the two agree cell by cell, up to the sign (a share of the examples is inverted). A mask put on another
        // quarter (a mirror or a turn missed) correlates at about -1/3.
        float[] pixels = new float[200 * 200];
        float[] left = new float[200 * 200];
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 100; x++) {
                pixels[y * 200 + x] = 1f;
                left[y * 200 + x] = 1f;
            }
        }
        double[] nan = new double[PointOrder.COUNT];
        Arrays.fill(nan, Double.NaN);
        LandmarkExample e = new LandmarkExample("halves", NetInput.ofPixels(pixels, 200, 200), nan, nan, left);
        double total = 0;
        for (long seed = 0; seed < 20; seed++) {
            float[] input = new float[SIZE * SIZE];
            float[] target = new float[CELLS];
            new LandmarkAugmentation(SIZE, 1.5, 0.5).render(e, new Random(seed), input,
                    new float[PointOrder.COUNT * CELLS], new float[PointOrder.COUNT], target, new float[1], 0);
            double[] cellMean = new double[CELLS];
            int h = SIZE / 4;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    cellMean[(y / 4) * h + x / 4] += input[y * SIZE + x] / 16.0;
                }
            }
            double[] targetCells = new double[CELLS];
            for (int i = 0; i < CELLS; i++) {
                targetCells[i] = target[i];
            }
            double r = Math.abs(AgeMetrics.of(cellMean, targetCells, CELLS).pearson());
            total += r;
        }
        assertThat(total / 20).isGreaterThan(0.75);
    }
}
