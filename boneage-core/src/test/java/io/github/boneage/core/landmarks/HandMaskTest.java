package io.github.boneage.core.landmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.Roi;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The hand mask's grid geometry, area, bounds, agreement and checks. */
class HandMaskTest {

    /** A 4 x 3 grid over a 40 x 30 image with cells (1,1) and (2,1) on the hand. */
    private static HandMask twoCells() {
        float[] p = new float[12];
        p[4 + 1] = 0.9f;
        p[4 + 2] = 0.5f;
        p[4 + 3] = 0.49f;
        return new HandMask(40, 30, 4, 3, p);
    }

    @Test
    void cellsCoverTheirShareOfTheImage() {
        HandMask m = twoCells();
        assertThat(m.contains(15, 15)).isTrue();
        assertThat(m.contains(25, 12)).isTrue();
        assertThat(m.contains(35, 15)).as("0.49 is below the threshold").isFalse();
        assertThat(m.contains(5, 5)).isFalse();
        assertThat(m.probabilityAt(15, 15)).isEqualTo(0.9f);
        assertThat(m.probabilityAt(-1, 15)).isZero();
        assertThat(m.probabilityAt(40, 15)).as("one past the right edge").isZero();
        assertThat(m.cell(1, 1)).isEqualTo(0.9f);
        assertThatThrownBy(() -> m.cell(4, 0)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("4,0");
    }

    @Test
    void areaAndBoundsCountCellsAtOrAboveOneHalf() {
        HandMask m = twoCells();
        assertThat(m.areaFraction()).isEqualTo(2 / 12.0);
        assertThat(m.bounds()).contains(new Roi(10, 10, 20, 10));
        assertThat(new HandMask(40, 30, 4, 3, new float[12]).bounds()).isEmpty();
        assertThat(new HandMask(40, 30, 4, 3, new float[12]).areaFraction()).isZero();
    }

    @Test
    void iouReadsTheOtherMaskAtThisGridsCellCentres() {
        HandMask m = twoCells();
        assertThat(m.iou(m)).isEqualTo(1.0);
        // The same hand on a finer grid (8 x 6 over the same image): the same cells, so IoU 1.
        float[] fine = new float[48];
        for (int y = 2; y < 4; y++) {
            for (int x = 2; x < 6; x++) {
                fine[y * 8 + x] = 1f;
            }
        }
        assertThat(m.iou(new HandMask(40, 30, 8, 6, fine))).isEqualTo(1.0);
        float[] one = new float[12];
        one[5] = 1f;
        assertThat(m.iou(new HandMask(40, 30, 4, 3, one))).isEqualTo(0.5);
        assertThat(new HandMask(40, 30, 4, 3, new float[12]).iou(new HandMask(40, 30, 4, 3, new float[12]))).isEqualTo(1.0);
        assertThatThrownBy(() -> m.iou(new HandMask(41, 30, 4, 3, new float[12])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("41x30");
    }

    @Test
    void badSizesAndProbabilitiesAreRefusedByName() {
        assertThatThrownBy(() -> new HandMask(0, 30, 1, 1, new float[1])).hasMessageContaining("0x30");
        assertThatThrownBy(() -> new HandMask(4, 3, 5, 3, new float[15])).hasMessageContaining("grid 5x3");
        assertThatThrownBy(() -> new HandMask(40, 30, 4, 3, new float[11])).hasMessageContaining("12 probabilities");
        float[] p = new float[12];
        p[7] = Float.NaN;
        assertThatThrownBy(() -> new HandMask(40, 30, 4, 3, p)).hasMessageContaining("cell 3,1").hasMessageContaining("NaN");
        p[7] = 1.5f;
        assertThatThrownBy(() -> new HandMask(40, 30, 4, 3, p)).hasMessageContaining("1.5");
    }

    @Test
    void isImmutableAndComparedByValue() {
        float[] p = new float[12];
        p[0] = 1f;
        HandMask m = new HandMask(40, 30, 4, 3, p);
        p[0] = 0f;
        assertThat(m.cell(0, 0)).isEqualTo(1f);
        assertThat(m).isEqualTo(new HandMask(40, 30, 4, 3, new float[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}))
                .hasSameHashCodeAs(new HandMask(40, 30, 4, 3, new float[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}))
                .isNotEqualTo(twoCells());
        assertThat(m.toString()).contains("4x3 cells").contains("40x30");
    }

    @Test
    void twoReadingsAverageCellByCell() {
        float[] one = new float[12];
        one[5] = 1f;
        HandMask mean = twoCells().averagedWith(new HandMask(40, 30, 4, 3, one));
        assertThat(mean.cell(1, 1)).isEqualTo(0.95f);
        assertThat(mean.cell(2, 1)).isEqualTo(0.25f);
        assertThatThrownBy(() -> twoCells().averagedWith(new HandMask(40, 30, 8, 6, new float[48])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDetectionCarriesItsMaskOrNone() {
        LandmarkDetection none = new LandmarkDetection(QualityVerdict.NO_HAND, "blank", Optional.empty(), Map.of(), 0, false);
        assertThat(none.handMask()).isEmpty();
        assertThat(none.withHandMask(Optional.of(twoCells())).handMask()).contains(twoCells());
        assertThatThrownBy(() -> new LandmarkDetection(QualityVerdict.NO_HAND, "blank", Optional.empty(), Map.of(), 0, false,
                null)).isInstanceOf(NullPointerException.class).hasMessageContaining("handMask");
    }
}
