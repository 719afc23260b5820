package io.github.boneage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.RoiScheme.Side;
import io.github.boneage.core.testing.TestHands;
import io.github.boneage.core.testing.TestHands.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RoiSchemeTest {

    private static final int W = TestHands.WIDTH;
    private static final int H = TestHands.HEIGHT;

    @Test
    void roi1IsTheBoundingBoxOfTheSevenPoints() {
        // points span x 100..300, y 100..260
        assertThat(RoiScheme.ROI1.region(W, H, TestHands.upright())).isEqualTo(new Roi(100, 100, 200, 160));
    }

    @Test
    void roi1IgnoresFingertips() {
        assertThat(RoiScheme.ROI1.region(W, H, TestHands.uprightWithTips())).isEqualTo(new Roi(100, 100, 200, 160));
    }

    @Test
    void roi1RoundsFractionalCoordinatesOutwards() {
        HandLandmarks lm = TestHands.upright().translated(0.5, 0.25); // x 99.5..299.5, y 99.75..259.75
        assertThat(RoiScheme.ROI1.region(W, H, lm)).isEqualTo(new Roi(99, 99, 201, 161));
    }

    @Test
    void roi2GrowsLateralAndDistalSidesOfAnUprightHandAndKeepsTheWristSide() {
        // lateral: 30% of 200 = 60 on left and right; distal (top): 30% of 160 = 48; wrist (bottom) stays at 260
        assertThat(RoiScheme.wristSide(TestHands.upright())).isEqualTo(Side.BOTTOM);
        assertThat(RoiScheme.ROI2.region(W, H, TestHands.upright())).isEqualTo(new Roi(40, 52, 320, 208));
    }

    @Test
    void roi2OfAHandRotated90DegreesGrowsTowardsItsFingersOnTheRight() {
        HandLandmarks rotated = Transform.ROTATE_90.apply(TestHands.upright(), W, H);
        int w = Transform.ROTATE_90.width(W, H);
        int h = Transform.ROTATE_90.height(W, H);
        assertThat(RoiScheme.wristSide(rotated)).isEqualTo(Side.LEFT);
        Roi roi1 = RoiScheme.ROI1.region(w, h, rotated);
        Roi roi2 = RoiScheme.ROI2.region(w, h, rotated);
        // ROI1 of the rotated hand: x = 500-260 .. 500-100, y = 100..300 (lateral extent 200, proximal-distal 160)
        assertThat(roi1).isEqualTo(new Roi(240, 100, 160, 200));
        assertThat(roi2.x()).as("wrist side unchanged").isEqualTo(240);
        assertThat(roi2.maxX()).as("distal side +30% of 160").isEqualTo(400 + 48);
        assertThat(roi2.y()).as("lateral side -30% of 200").isEqualTo(100 - 60);
        assertThat(roi2.maxY()).as("lateral side +30% of 200").isEqualTo(300 + 60);
    }

    @ParameterizedTest
    @EnumSource(Transform.class)
    void everySchemeFollowsTheHandWhenTheImageIsRotatedOrMirrored(Transform t) {
        HandLandmarks lm = t.apply(TestHands.uprightWithTips(), W, H);
        int w = t.width(W, H);
        int h = t.height(W, H);
        for (RoiScheme scheme : RoiScheme.values()) {
            Roi upright = scheme.region(W, H, TestHands.uprightWithTips());
            assertThat(scheme.region(w, h, lm)).as(scheme + " under " + t).isEqualTo(t.apply(upright, W, H));
        }
    }

    @ParameterizedTest
    @EnumSource(Transform.class)
    void wristSideFollowsTheTransform(Transform t) {
        Side expected = switch (t) {
            case IDENTITY, MIRROR -> Side.BOTTOM;
            case ROTATE_90 -> Side.LEFT;
            case ROTATE_180 -> Side.TOP;
            case ROTATE_270 -> Side.RIGHT;
        };
        assertThat(RoiScheme.wristSide(t.apply(TestHands.upright(), W, H))).isEqualTo(expected);
    }

    @Test
    void mirroredHandHasTheMirroredRoi2() {
        HandLandmarks mirrored = Transform.MIRROR.apply(TestHands.upright(), W, H);
        // x 300..500 mirrored from 100..300; lateral growth is symmetric, so ROI2 is x 240..560, same rows
        assertThat(RoiScheme.ROI2.region(W, H, mirrored)).isEqualTo(new Roi(240, 52, 320, 208));
    }

    @Test
    void roi3CoversTheFingertipsWithAMarginAndExtendsPastTheWrist() {
        // tips and points span x 80..340, y 10..260; hand size = |middle (200,100) - wrist (200,257.5)| = 157.5
        // margin 5% = 7.875 on every side but the wrist; wrist side extended by 10% = 15.75 to 275.75
        Roi roi3 = RoiScheme.ROI3.region(W, H, TestHands.uprightWithTips());
        assertThat(roi3).isEqualTo(new Roi(72, 2, 348 - 72, 276 - 2));
    }

    @Test
    void roi3WithoutFingertipsIsMissingLandmarks() {
        assertThatThrownBy(() -> RoiScheme.ROI3.region(W, H, TestHands.upright()))
                .isInstanceOf(MissingLandmarksException.class)
                .hasMessageContaining("fingertips");
    }

    @ParameterizedTest
    @EnumSource(value = RoiScheme.class, names = {"ROI1", "ROI2", "ROI3"})
    void schemesWithLandmarksRefuseNoLandmarks(RoiScheme scheme) {
        assertThatThrownBy(() -> scheme.region(W, H, null))
                .isInstanceOf(MissingLandmarksException.class)
                .hasMessageContaining(scheme.label())
                .hasMessageContaining("7 reference points");
    }

    @Test
    void wholeNeedsNoLandmarks() {
        assertThat(RoiScheme.WHOLE.needsLandmarks()).isFalse();
        assertThat(RoiScheme.WHOLE.region(W, H, null)).isEqualTo(new Roi(0, 0, W, H));
    }

    @Test
    void roi2IsClampedToTheImage() {
        // in a 330-pixel-wide image the right side (360) is cut at 330
        assertThat(RoiScheme.ROI2.region(330, H, TestHands.upright())).isEqualTo(new Roi(40, 52, 290, 208));
        // moved up-left by (50, 60): box x 50..250, y 40..200, ROI2 x -10..310, y -8..200 -> clamped at 0
        HandLandmarks nearCorner = TestHands.upright().translated(50, 60);
        assertThat(RoiScheme.ROI2.region(W, H, nearCorner)).isEqualTo(new Roi(0, 0, 310, 200));
    }

    @Test
    void roi3IsClampedToTheImage() {
        Roi roi3 = RoiScheme.ROI3.region(300, 200, TestHands.uprightWithTips());
        assertThat(roi3).isEqualTo(new Roi(72, 2, 300 - 72, 200 - 2));
    }

    @Test
    void roi1IsContainedInRoi2AndRoi3() {
        for (Transform t : Transform.values()) {
            HandLandmarks lm = t.apply(TestHands.uprightWithTips(), W, H);
            int w = t.width(W, H);
            int h = t.height(W, H);
            Roi roi1 = RoiScheme.ROI1.region(w, h, lm);
            assertThat(RoiScheme.ROI2.region(w, h, lm).contains(roi1)).isTrue();
            assertThat(RoiScheme.ROI3.region(w, h, lm).contains(roi1)).isTrue();
        }
    }

    @Test
    void labelsParseBothWays() {
        for (RoiScheme s : RoiScheme.values()) {
            assertThat(RoiScheme.parse(s.label())).isEqualTo(s);
        }
        assertThat(RoiScheme.parse(" ROI2 ")).isEqualTo(RoiScheme.ROI2);
        assertThatThrownBy(() -> RoiScheme.parse("roi4")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'roi4'");
        assertThatThrownBy(() -> RoiScheme.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
