package io.github.boneage.synthetic.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The anti-aliased projections must integrate to the bodies' volumes, wherever they fall on the pixel grid. */
class RasterizationTest {

    private static final int SIZE = 64;

    @ParameterizedTest
    @CsvSource({"0, 1", "0.3, 1", "0.9, 1", "2.5, 3", "7.7, 8", "0, 0.3", "0.6, 0.4"})
    void discProfileIsThePixelMeanOfTheChord(double distance, double radius) {
        int steps = 200_000;
        double sum = 0;
        for (int i = 0; i < steps; i++) {
            double x = distance - 0.5 + (i + 0.5) / steps;
            double t = x / radius;
            sum += Math.abs(t) < 1 ? Math.sqrt(1 - t * t) : 0;
        }
        assertThat(DiscProfile.mean(distance, radius)).isCloseTo(sum / steps, within(2e-4));
    }

    @Test
    void discProfileVanishesBeyondTheRim() {
        assertThat(DiscProfile.mean(5.5, 5)).isZero();
        assertThat(DiscProfile.mean(5.4, 5)).isPositive();
        assertThat(DiscProfile.mean(0, 50)).isCloseTo(1, within(1e-4));
    }

    private static double sum(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }

    @ParameterizedTest
    @CsvSource({"31.3, 30.8, 10, 6, 0.3, 0.01", "20.5, 40.2, 3, 2.2, 2.0, 0.01", "32, 32, 1.2, 0.8, 0.7, 0.06"})
    void ellipsoidProjectionIntegratesToItsVolume(double cx, double cy, double a, double b, double angle,
            double tolerance) {
        float[] outer = new float[SIZE * SIZE];
        double depth = 5;
        new Ellipsoid(cx, cy, Math.cos(angle), Math.sin(angle), a, b, depth, 0, 1).render(outer, null, SIZE, SIZE);
        // Volume of an ellipsoid with semi-axes a, b and depth / 2.
        double volume = 2.0 / 3 * Math.PI * a * b * depth;
        assertThat(sum(outer)).isCloseTo(volume, within(volume * tolerance));
    }

    @ParameterizedTest
    @CsvSource({"10.2, 12.7, 50.1, 40.9, 6", "30, 5, 30.5, 60, 2.5", "20.3, 20, 34, 27, 2.2"})
    void roundCapsuleProjectionIntegratesToItsVolume(double ax, double ay, double bx, double by, double r) {
        float[] outer = new float[SIZE * SIZE];
        Tube.soft(new double[] {ax, ay}, new double[] {bx, by}, r, r, 1, 1, 1).render(outer, null, SIZE, SIZE);
        double length = Math.hypot(bx - ax, by - ay) - 2 * r;
        double volume = Math.PI * r * r * length + 4.0 / 3 * Math.PI * r * r * r;
        assertThat(sum(outer)).isCloseTo(volume, within(volume * 0.01));
    }

    @Test
    void boneMedullaLiesInsideTheCortex() {
        float[] outer = new float[SIZE * SIZE];
        float[] inner = new float[SIZE * SIZE];
        Tube.bone(new double[] {32, 5}, new double[] {32, 59}, 9, 5, 8, 1, 2, 1, 0.4, 0.6, 1)
                .render(outer, inner, SIZE, SIZE);
        int row = 32 * SIZE;
        for (int x = 0; x < SIZE; x++) {
            assertThat(inner[row + x]).isLessThanOrEqualTo(outer[row + x]);
        }
        // Across the diaphysis the cortex projects brighter than the medulla: attenuation peaks off-centre.
        double centre = 0.14 * outer[row + 32] - 0.125 * inner[row + 32];
        double wall = 0.14 * outer[row + 29] - 0.125 * inner[row + 29];
        assertThat(wall).isGreaterThan(centre);
    }

    @Test
    void convexSlabUsesTheHullOfItsOutline() {
        ConvexSlab slab = ConvexSlab.hullOf(List.of(new double[] {0, 0}, new double[] {10, 0}, new double[] {5, 5},
                new double[] {10, 10}, new double[] {0, 10}, new double[] {5, 0}), 4);
        assertThat(slab.vertices()).hasSize(4);
        float[] outer = new float[SIZE * SIZE];
        slab.transformed(new Placement(20, 40, 3, 0, false)).render(outer, null, SIZE, SIZE);
        // Model square 10x10 mm drawn at 3 px/mm from (20, 40) upwards: its centre has the full depth.
        assertThat(outer[25 * SIZE + 35]).isCloseTo(4f, within(1e-4f));
        assertThat(outer[45 * SIZE + 35]).isZero();
    }

    @Test
    void placementMirrorsRotatesAndScales() {
        Placement upright = new Placement(100, 200, 2, 0, false);
        assertThat(upright.x(10, 5)).isCloseTo(120, within(1e-9));
        assertThat(upright.y(10, 5)).isCloseTo(190, within(1e-9));
        Placement mirrored = new Placement(100, 200, 2, 0, true);
        assertThat(mirrored.x(10, 5)).isCloseTo(80, within(1e-9));
        // Clockwise by 90 degrees as displayed: the fingers (model +y) point to the image's right.
        Placement quarter = new Placement(0, 0, 1, 90, false);
        assertThat(quarter.x(0, 1)).isCloseTo(1, within(1e-12));
        assertThat(quarter.y(0, 1)).isCloseTo(0, within(1e-12));
    }
}
