package io.github.boneage.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.testing.TestHands;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OrientationTest {

    private static GreyImage8 random8(int w, int h, long seed) {
        byte[] data = new byte[w * h];
        new Random(seed).nextBytes(data);
        return new GreyImage8(w, h, data);
    }

    private static GreyImage16 random16(int w, int h, long seed) {
        Random r = new Random(seed);
        short[] data = new short[w * h];
        for (int i = 0; i < data.length; i++) {
            data[i] = (short) r.nextInt(4096);
        }
        return new GreyImage16(w, h, 12, data);
    }

    private static void assertSamePixels(GreyImage a, GreyImage b) {
        assertThat(b.width()).isEqualTo(a.width());
        assertThat(b.height()).isEqualTo(a.height());
        assertThat(b.bitDepth()).isEqualTo(a.bitDepth());
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                assertThat(b.get(x, y)).as("(%d, %d)", x, y).isEqualTo(a.get(x, y));
            }
        }
    }

    @Test
    void aClockwiseQuarterTurnMovesTheTopLeftPixelToTheTopRight() {
        GreyImage8 img = new GreyImage8(3, 2, new byte[] {1, 2, 3, 4, 5, 6});
        GreyImage turned = new Orientation(1, false, false).apply(img);
        assertThat(turned.width()).isEqualTo(2);
        assertThat(turned.height()).isEqualTo(3);
        // Rows of the turned image read the old columns bottom-up: 4 1 / 5 2 / 6 3.
        assertThat(new int[] {turned.get(0, 0), turned.get(1, 0), turned.get(0, 1), turned.get(1, 1), turned.get(0, 2),
            turned.get(1, 2)}).containsExactly(4, 1, 5, 2, 6, 3);
    }

    @Test
    void fourQuarterTurnsAndTwoMirrorsAreTheIdentityAtBothDepths() {
        for (GreyImage img : new GreyImage[] {random8(7, 5, 1), random16(6, 9, 2)}) {
            GreyImage turned = img;
            for (int i = 0; i < 4; i++) {
                turned = new Orientation(1, false, false).apply(turned);
            }
            assertSamePixels(img, turned);
            assertSamePixels(img, Orientation.mirror(Orientation.mirror(img)));
            assertSamePixels(img, Orientation.invert(Orientation.invert(img)));
        }
    }

    @Test
    void inversionUsesTheBitDepthsMaximum() {
        GreyImage inverted = Orientation.invert(new GreyImage16(2, 1, 12, new short[] {0, 4000}));
        assertThat(inverted.get(0, 0)).isEqualTo(4095);
        assertThat(inverted.get(1, 0)).isEqualTo(95);
        assertThat(Orientation.invert(new GreyImage8(1, 1, new byte[] {10})).get(0, 0)).isEqualTo(245);
    }

    @Test
    void pointsFollowThePixelsTheyMark() {
        GreyImage8 img = random8(11, 7, 3);
        for (int turns = 0; turns < 4; turns++) {
            for (boolean mirror : new boolean[] {false, true}) {
                Orientation o = new Orientation(turns, mirror, false);
                GreyImage moved = o.apply(img);
                for (int y = 0; y < img.height(); y++) {
                    for (int x = 0; x < img.width(); x++) {
                        Point centre = o.apply(new Point(x + 0.5, y + 0.5), img.width(), img.height());
                        assertThat(moved.get((int) Math.floor(centre.x()), (int) Math.floor(centre.y())))
                                .as("%s pixel (%d, %d)", o, x, y).isEqualTo(img.get(x, y));
                    }
                }
            }
        }
    }

    @Test
    void landmarksTurnWithTheImage() {
        HandLandmarks upright = TestHands.upright();
        HandLandmarks turned = new Orientation(1, false, false).apply(upright, TestHands.WIDTH, TestHands.HEIGHT);
        // Fingers up becomes fingers right: the finger centre lies right of the wrist.
        assertThat(turned.fingerCentre().x()).isGreaterThan(turned.wristCentre().x());
        assertThat(BoneAgePipeline.fingerAngle(turned)).isCloseTo(BoneAgePipeline.fingerAngle(upright) + 90, within(1e-9));
        HandLandmarks mirrored = new Orientation(0, true, false).apply(upright, TestHands.WIDTH, TestHands.HEIGHT);
        assertThat(mirrored.point(ReferencePoint.THUMB).x()).isEqualTo(TestHands.WIDTH - 300.0);
    }

    @Test
    void describesWhatItDoesAndRejectsBadTurns() {
        assertThat(Orientation.IDENTITY.describe()).isEqualTo("as acquired");
        assertThat(new Orientation(3, true, true).describe())
                .isEqualTo("rotated 270° clockwise, mirrored left-right, grey scale inverted");
        assertThatThrownBy(() -> new Orientation(4, false, false)).isInstanceOf(IllegalArgumentException.class);
    }
}
