package io.github.boneage.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.testing.TestHands;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Straightening's turn by any angle against the lossless quarter turns of {@link Orientation}, which fix its
 * conventions: a quarter turn by resampling must give the same pixels and put points in the same places.
 */
class StraighteningTest {

    private static GreyImage8 noise(int w, int h, long seed) {
        Random rnd = new Random(seed);
        GreyImage8 img = new GreyImage8(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.set(x, y, rnd.nextInt(256));
            }
        }
        return img;
    }

    @Test
    void aQuarterTurnByResamplingEqualsTheLosslessOne() {
        GreyImage8 img = noise(37, 23, 1L);
        for (int turns = 1; turns <= 3; turns++) {
            GreyImage resampled = Straightening.rotate(img, 90.0 * turns);
            GreyImage exact = Orientation.rotate(img, turns);
            assertThat(resampled.width()).isEqualTo(exact.width());
            assertThat(resampled.height()).isEqualTo(exact.height());
            for (int y = 0; y < exact.height(); y++) {
                for (int x = 0; x < exact.width(); x++) {
                    assertThat(resampled.get(x, y)).as("turns %d at (%d, %d)", turns, x, y).isEqualTo(exact.get(x, y));
                }
            }
            Orientation quarter = new Orientation(turns, false, false);
            for (Point p : new Point[] {new Point(0, 0), new Point(5.5, 20.25), new Point(37, 23)}) {
                Point a = Straightening.apply(p, 37, 23, 90.0 * turns);
                Point b = quarter.apply(p, 37, 23);
                assertThat(a.x()).isCloseTo(b.x(), within(1e-9));
                assertThat(a.y()).isCloseTo(b.y(), within(1e-9));
            }
        }
    }

    @Test
    void noTurnChangesNothing() {
        GreyImage8 img = noise(20, 30, 2L);
        GreyImage same = Straightening.rotate(img, 0);
        assertThat(same.width()).isEqualTo(20);
        assertThat(same.height()).isEqualTo(30);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 20; x++) {
                assertThat(same.get(x, y)).isEqualTo(img.get(x, y));
            }
        }
    }

    @Test
    void aBrightSpotGoesWhereThePointMapSays() {
        GreyImage16 img = new GreyImage16(120, 80, 12);
        for (int y = 18; y < 24; y++) {
            for (int x = 88; x < 94; x++) {
                img.set(x, y, 4095);
            }
        }
        double degrees = 33;
        GreyImage turned = Straightening.rotate(img, degrees);
        assertThat(turned.bitDepth()).isEqualTo(12);
        double cos = Math.cos(Math.toRadians(degrees));
        double sin = Math.sin(Math.toRadians(degrees));
        assertThat(turned.width()).isEqualTo((int) Math.ceil(120 * cos + 80 * sin));
        assertThat(turned.height()).isEqualTo((int) Math.ceil(80 * cos + 120 * sin));
        double sx = 0;
        double sy = 0;
        double sum = 0;
        for (int y = 0; y < turned.height(); y++) {
            for (int x = 0; x < turned.width(); x++) {
                int v = turned.get(x, y);
                sx += v * (x + 0.5);
                sy += v * (y + 0.5);
                sum += v;
            }
        }
        Point expected = Straightening.apply(new Point(91, 21), 120, 80, degrees);
        assertThat(sx / sum).isCloseTo(expected.x(), within(0.3));
        assertThat(sy / sum).isCloseTo(expected.y(), within(0.3));
    }

    @Test
    void uncoveredCornersTakeTheBorderGrey() {
        GreyImage8 img = new GreyImage8(50, 50);
        for (int y = 0; y < 50; y++) {
            for (int x = 0; x < 50; x++) {
                img.set(x, y, x == 0 || y == 0 || x == 49 || y == 49 ? 17 : 200);
            }
        }
        GreyImage turned = Straightening.rotate(img, 45);
        assertThat(turned.get(0, 0)).isEqualTo(17);
        assertThat(turned.get(turned.width() - 1, turned.height() - 1)).isEqualTo(17);
        assertThat(turned.get(turned.width() / 2, turned.height() / 2)).isEqualTo(200);
    }

    @Test
    void straighteningFramesTheHandAsTheOriginalDidAndKeepsEveryPoint() {
        GreyImage8 img = noise(TestHands.WIDTH, TestHands.HEIGHT, 3L);
        HandLandmarks hand = TestHands.uprightWithTips();
        for (double degrees : new double[] {-35, -10, 25, 40}) {
            Straightening.Straightened s = Straightening.straighten(img, degrees, hand);
            assertThat(s.image().width()).as("%s°", degrees).isGreaterThanOrEqualTo(TestHands.WIDTH);
            assertThat(s.image().height()).as("%s°", degrees).isGreaterThanOrEqualTo(TestHands.HEIGHT);
            HandLandmarks moved = s.apply(hand);
            double margin = Straightening.POINT_MARGIN * TestHands.WIDTH - 1;
            List<Point> all = new ArrayList<>(moved.points().values());
            all.addAll(moved.fingertips().values());
            for (Point p : all) {
                assertThat(p.x()).as("%s° %s", degrees, p).isBetween(margin, s.image().width() - margin);
                assertThat(p.y()).as("%s° %s", degrees, p).isBetween(margin, s.image().height() - margin);
            }
            // The same point on the framed image is the point on the whole turned canvas, less the frame's corner.
            Point radius = hand.point(ReferencePoint.RADIUS);
            Point onCanvas = Straightening.apply(radius, TestHands.WIDTH, TestHands.HEIGHT, degrees);
            assertThat(moved.point(ReferencePoint.RADIUS).x()).isCloseTo(onCanvas.x() - s.frame().x(), within(1e-9));
            assertThat(moved.point(ReferencePoint.RADIUS).y()).isCloseTo(onCanvas.y() - s.frame().y(), within(1e-9));
        }
        // A small turn of a hand well inside the image keeps the original's size (one pixel more where the canvas's
        // margin is odd, so the frame stays centred).
        Straightening.Straightened small = Straightening.straighten(img, 3, TestHands.upright());
        assertThat(small.image().width()).isBetween(TestHands.WIDTH, TestHands.WIDTH + 1);
        assertThat(small.image().height()).isBetween(TestHands.HEIGHT, TestHands.HEIGHT + 1);
        assertThat(small.frame().x() * 2 + small.image().width()).as("centred").isEqualTo(
                Straightening.rotate(img, 3).width());
    }

    /** A mirrored image turned the opposite way is the mirror image of the original turned: straightened alike. */
    @Test
    void aMirroredImageTurnedTheOtherWayIsTheMirrorOfTheTurnedOriginal() {
        GreyImage8 img = noise(TestHands.WIDTH, TestHands.HEIGHT, 5L);
        Orientation mirror = new Orientation(0, true, false);
        HandLandmarks hand = TestHands.uprightWithTips();
        for (double degrees : new double[] {-33, -12.5, 7, 28}) {
            Straightening.Straightened s = Straightening.straighten(img, degrees, hand);
            Straightening.Straightened m = Straightening.straighten(mirror.apply(img), -degrees,
                    mirror.apply(hand, TestHands.WIDTH, TestHands.HEIGHT));
            GreyImage expected = mirror.apply(s.image());
            assertThat(m.image().width()).as("%s°", degrees).isEqualTo(expected.width());
            assertThat(m.image().height()).as("%s°", degrees).isEqualTo(expected.height());
            int differing = 0;
            for (int y = 0; y < expected.height(); y++) {
                for (int x = 0; x < expected.width(); x++) {
                    differing += Math.abs(m.image().get(x, y) - expected.get(x, y)) > 1 ? 1 : 0;
                }
            }
            assertThat(differing).as("%s° pixels differing by more than one grey level", degrees).isZero();
        }
    }
}
