package io.github.boneage.clinical.uncertainty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.clinical.impl.BilinearWarp;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The augmentation warps: exact identities, and landmarks that move with the image content. */
class AugmentationTest {

    private static GreyImage8 noise8(int w, int h, long seed) {
        byte[] d = new byte[w * h];
        new Random(seed).nextBytes(d);
        return new GreyImage8(w, h, d);
    }

    private static GreyImage16 noise16(int w, int h, long seed) {
        Random r = new Random(seed);
        short[] d = new short[w * h];
        for (int i = 0; i < d.length; i++) {
            d[i] = (short) r.nextInt(4096);
        }
        return new GreyImage16(w, h, 12, d);
    }

    @Test
    void zeroRotationAndShiftReproduceTheImageExactly() {
        GreyImage8 g8 = noise8(37, 23, 1);
        byte[] out8 = new byte[g8.data().length];
        new BilinearWarp(37, 23, 0, 0, 0, false).apply(g8.data(), out8);
        assertThat(out8).isEqualTo(g8.data());

        GreyImage16 g16 = noise16(20, 31, 2);
        short[] out16 = new short[g16.data().length];
        new BilinearWarp(20, 31, 0, 0, 0, false).apply(g16.data(), out16);
        assertThat(out16).isEqualTo(g16.data());
    }

    @Test
    void mirroringTwiceIsTheIdentityAndMirroringOnceReversesRows() {
        Augmentation mirror = new Augmentation(0, 0, 0, true);
        GreyImage8 g8 = noise8(37, 23, 3);
        GreyImage8 once = (GreyImage8) mirror.apply(g8);
        assertThat(once.get(0, 5)).isEqualTo(g8.get(36, 5));
        assertThat(once.get(10, 7)).isEqualTo(g8.get(26, 7));
        assertThat(((GreyImage8) mirror.apply(once)).data()).isEqualTo(g8.data());

        GreyImage16 g16 = noise16(20, 31, 4);
        GreyImage16 twice = (GreyImage16) mirror.apply(mirror.apply(g16));
        assertThat(twice.data()).isEqualTo(g16.data());
        assertThat(twice.bitDepth()).isEqualTo(12);
    }

    @Test
    void integerShiftMovesPixelsAndRepeatsTheEdge() {
        GreyImage8 g = noise8(40, 30, 5);
        GreyImage8 shifted = (GreyImage8) new Augmentation(0, 0.1, -0.1, false).apply(g); // +4 px right, -3 px up
        assertThat(shifted.get(14, 10)).isEqualTo(g.get(10, 13));
        assertThat(shifted.get(0, 0)).isEqualTo(g.get(0, 3));
        assertThat(shifted.get(2, 29)).isEqualTo(g.get(0, 29));
    }

    @Test
    void fingertipsPushedOffTheImageAreLeftOutAndTheReferencePointsKept() {
        int w = 120;
        int h = 90;
        Map<ReferencePoint, Point> points = new EnumMap<>(ReferencePoint.class);
        for (ReferencePoint rp : ReferencePoint.values()) {
            points.put(rp, new Point(30 + 8 * rp.ordinal(), 50));
        }
        Map<Finger, Point> tips = new EnumMap<>(Finger.class);
        for (Finger f : Finger.values()) {
            tips.put(f, new Point(30 + 12 * f.ordinal(), 1.0));
        }
        HandLandmarks atTheEdge = HandLandmarks.of(points, tips);
        // Shifted up by 4% of the height: the tips, 1 px below the top edge, leave the image.
        HandLandmarks up = new Augmentation(0, 0, -0.04, false).apply(atTheEdge, w, h);
        assertThat(up.hasFingertips()).isFalse();
        assertThat(up.firstPointOutside(w, h)).isEmpty();
        assertThat(up.point(ReferencePoint.values()[0]).y()).isCloseTo(50 - 0.04 * h, within(1e-6));
        // Shifted down, they stay in and move with the image.
        assertThat(new Augmentation(0, 0, 0.04, false).apply(atTheEdge, w, h).hasFingertips()).isTrue();
    }

    @Test
    void landmarksMoveWithTheImageContent() {
        int w = 120;
        int h = 90;
        Map<ReferencePoint, Point> points = new EnumMap<>(ReferencePoint.class);
        ReferencePoint[] rps = ReferencePoint.values();
        for (int i = 0; i < rps.length; i++) {
            points.put(rps[i], new Point(25.5 + 11 * i, 20.5 + 7 * (i % 4)));
        }
        Map<Finger, Point> tips = new EnumMap<>(Finger.class);
        for (Finger f : Finger.values()) {
            tips.put(f, new Point(30.5 + 13 * f.ordinal(), 70.5));
        }
        HandLandmarks landmarks = HandLandmarks.of(points, tips);
        for (Augmentation a : new Augmentation[] {new Augmentation(7, 0.03, -0.04, false),
                new Augmentation(-5, -0.05, 0.02, true), new Augmentation(0, 0, 0, true)}) {
            HandLandmarks moved = a.apply(landmarks, w, h);
            for (ReferencePoint rp : rps) {
                assertDotFollows(a, landmarks.point(rp), moved.point(rp), w, h);
            }
            for (Finger f : Finger.values()) {
                assertDotFollows(a, landmarks.fingertip(f).orElseThrow(), moved.fingertip(f).orElseThrow(), w, h);
            }
        }
    }

    /** Draws a bright 3x3 dot on the point, warps the image, and finds the dot's centroid at the moved point. */
    private static void assertDotFollows(Augmentation a, Point p, Point moved, int w, int h) {
        GreyImage8 img = new GreyImage8(w, h);
        int cx = (int) Math.floor(p.x());
        int cy = (int) Math.floor(p.y());
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                img.set(cx + dx, cy + dy, 200);
            }
        }
        GreyImage out = a.apply(img);
        double sum = 0;
        double sx = 0;
        double sy = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = out.get(x, y);
                sum += v;
                sx += v * (x + 0.5);
                sy += v * (y + 0.5);
            }
        }
        assertThat(sx / sum).as("x of " + p + " under " + a.label()).isCloseTo(moved.x(), within(0.25));
        assertThat(sy / sum).as("y of " + p + " under " + a.label()).isCloseTo(moved.y(), within(0.25));
    }

    @Test
    void augmentedRequestKeepsEverythingButImageAndLandmarks() {
        GreyImage8 g = noise8(30, 30, 6);
        EstimationRequest r = EstimationRequest.builder().setImage(g).optSourceId("x.png").optSex(Sex.FEMALE)
                .optChronologicalAgeMonths(99).build();
        EstimationRequest a = new Augmentation(3, 0, 0, false).apply(r);
        assertThat(a.sourceId()).isEqualTo("x.png");
        assertThat(a.sex()).isEqualTo(Sex.FEMALE);
        assertThat(a.chronologicalAgeMonths()).contains(99.0);
        assertThat(a.landmarks()).isEmpty();
        assertThat(a.image()).isNotSameAs(g);
        assertThat(Augmentation.IDENTITY.apply(r)).isSameAs(r);
    }

    @Test
    void defaultPolicyStartsWithTheIdentity() {
        TestTimeAugmentation p = TestTimeAugmentation.defaults();
        assertThat(p.passesPerImage()).isEqualTo(7);
        assertThat(p.augmentations().get(0).isIdentity()).isTrue();
        assertThat(TestTimeAugmentation.builder().optMirror(true).build().passesPerImage()).isEqualTo(14);
        assertThat(p.aggregation()).isEqualTo(Aggregation.MEDIAN);
    }
}
