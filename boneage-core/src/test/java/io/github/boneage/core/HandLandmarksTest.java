package io.github.boneage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.testing.TestHands;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandLandmarksTest {

    @Test
    void scaledMultipliesEveryCoordinateIncludingFingertips() {
        HandLandmarks lm = TestHands.uprightWithTips().scaled(0.5, 2);
        assertThat(lm.point(ReferencePoint.THUMB)).isEqualTo(new Point(150, 360));
        assertThat(lm.point(ReferencePoint.ULNA)).isEqualTo(new Point(85, 510));
        assertThat(lm.fingertip(Finger.MIDDLE)).contains(new Point(100, 20));
    }

    @Test
    void translatedGivesCropCoordinates() {
        HandLandmarks lm = TestHands.uprightWithTips().translated(100, 10);
        assertThat(lm.point(ReferencePoint.LITTLE)).isEqualTo(new Point(0, 140));
        assertThat(lm.fingertip(Finger.MIDDLE)).contains(new Point(100, 0));
        assertThat(TestHands.upright().translated(100, 10).hasFingertips()).isFalse();
    }

    @Test
    void firstPointOutsideNamesTheColumn() {
        HandLandmarks lm = TestHands.uprightWithTips();
        assertThat(lm.firstPointOutside(600, 500)).isEmpty();
        // thumb x = 300: on the border of a 300-wide image is inside (continuous coordinates), tips reach x = 340
        assertThat(TestHands.upright().firstPointOutside(300, 260)).isEmpty();
        assertThat(TestHands.upright().firstPointOutside(299, 500)).contains("thumb_x");
        assertThat(TestHands.upright().firstPointOutside(600, 259)).contains("radius_y");
        assertThat(lm.firstPointOutside(339, 500)).contains("tip_thumb_x");
        assertThat(lm.translated(0, 20).firstPointOutside(600, 500)).contains("tip_middle_y");
    }

    @Test
    void centresAndHandSize() {
        HandLandmarks lm = TestHands.upright();
        assertThat(lm.wristCentre()).isEqualTo(new Point(200, 257.5));
        assertThat(lm.fingerCentre()).isEqualTo(new Point(200, 130));
        assertThat(lm.handSize()).isCloseTo(157.5, within(1e-12));
    }

    @Test
    void missingReferencePointIsAnIllegalArgument() {
        Map<ReferencePoint, Point> points = new EnumMap<>(TestHands.upright().points());
        points.remove(ReferencePoint.RADIUS);
        assertThatThrownBy(() -> HandLandmarks.of(points))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("radius");
    }

    @Test
    void someButNotAllFingertipsIsAnIllegalArgument() {
        Map<Finger, Point> tips = new EnumMap<>(TestHands.uprightWithTips().fingertips());
        tips.remove(Finger.RING);
        assertThatThrownBy(() -> TestHands.upright().withFingertips(tips))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tip_ring");
    }

    @Test
    void fingertipsCanBeAddedAndRemoved() {
        HandLandmarks with = TestHands.uprightWithTips();
        assertThat(with.hasFingertips()).isTrue();
        assertThat(with.fingertips()).hasSize(5);
        HandLandmarks without = with.withFingertips(Map.of());
        assertThat(without.hasFingertips()).isFalse();
        assertThat(without.fingertip(Finger.THUMB)).isEmpty();
        assertThat(without).isEqualTo(TestHands.upright());
    }

    @Test
    void equalityIsByValue() {
        assertThat(TestHands.upright()).isEqualTo(TestHands.upright()).hasSameHashCodeAs(TestHands.upright());
        assertThat(TestHands.upright()).isNotEqualTo(TestHands.uprightWithTips());
        assertThat(TestHands.upright()).isNotEqualTo(TestHands.upright().translated(1, 0));
    }

    @Test
    void pointsMustBeFinite() {
        assertThatThrownBy(() -> new Point(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Point(1, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    }
}
