package io.github.boneage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RoiTest {

    @Test
    void iouOfIdenticalDisjointAndOverlappingRectangles() {
        Roi a = new Roi(0, 0, 10, 10);
        assertThat(a.iou(a)).isEqualTo(1.0);
        assertThat(a.iou(new Roi(10, 0, 10, 10))).isEqualTo(0.0);
        // overlap 5x10 = 50, union 100 + 100 - 50 = 150
        assertThat(a.iou(new Roi(5, 0, 10, 10))).isCloseTo(1.0 / 3, within(1e-15));
        // contained: 4 / 100
        assertThat(a.iou(new Roi(2, 2, 2, 2))).isCloseTo(0.04, within(1e-15));
    }

    @Test
    void enclosingRoundsOutwards() {
        assertThat(Roi.enclosing(1.2, 3.7, 5.1, 8.0, 100, 100)).isEqualTo(new Roi(1, 3, 5, 5));
        assertThat(Roi.enclosing(2, 2, 4, 4, 100, 100)).isEqualTo(new Roi(2, 2, 2, 2));
    }

    @Test
    void enclosingClampsToTheImage() {
        assertThat(Roi.enclosing(-5.5, -1, 120.2, 80, 100, 60)).isEqualTo(new Roi(0, 0, 100, 60));
    }

    @Test
    void enclosingIsNeverEmpty() {
        assertThat(Roi.enclosing(7, 7, 7, 7, 100, 100)).isEqualTo(new Roi(7, 7, 1, 1));
        // entirely right of / below the image: the last column and row
        assertThat(Roi.enclosing(150, 150, 160, 160, 100, 100)).isEqualTo(new Roi(99, 99, 1, 1));
        assertThat(Roi.enclosing(-20, -20, -10, -10, 100, 100)).isEqualTo(new Roi(0, 0, 1, 1));
    }

    @Test
    void containsAndFitsIn() {
        Roi outer = new Roi(10, 10, 20, 20);
        assertThat(outer.contains(outer)).isTrue();
        assertThat(outer.contains(new Roi(10, 10, 20, 19))).isTrue();
        assertThat(outer.contains(new Roi(9, 10, 5, 5))).isFalse();
        assertThat(outer.contains(new Roi(25, 25, 6, 5))).isFalse();
        assertThat(outer.fitsIn(30, 30)).isTrue();
        assertThat(outer.fitsIn(29, 30)).isFalse();
        assertThat(Roi.whole(640, 480)).isEqualTo(new Roi(0, 0, 640, 480));
    }

    @Test
    void invalidRectanglesAreRefused() {
        assertThatThrownBy(() -> new Roi(-1, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Roi(0, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Roi(0, 0, 1, -3)).isInstanceOf(IllegalArgumentException.class);
    }
}
