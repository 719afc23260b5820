package io.github.boneage.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.Roi;
import org.junit.jupiter.api.Test;

class GreyImageTest {

    @Test
    void samplesAreUnsigned() {
        GreyImage8 g8 = new GreyImage8(3, 2);
        g8.set(2, 1, 250);
        assertThat(g8.get(2, 1)).isEqualTo(250);
        GreyImage16 g16 = new GreyImage16(3, 2, 16);
        g16.set(0, 1, 65000);
        assertThat(g16.get(0, 1)).isEqualTo(65000);
        assertThat(g16.maxValue()).isEqualTo(65535);
        assertThat(new GreyImage16(1, 1, 12).maxValue()).isEqualTo(4095);
    }

    @Test
    void coordinatesOutsideTheImageAreRefusedNotWrappedToTheNextRow() {
        GreyImage8 g8 = new GreyImage8(3, 2);
        assertThatThrownBy(() -> g8.get(3, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> g8.set(0, 2, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        GreyImage16 g16 = new GreyImage16(3, 2, 12);
        assertThatThrownBy(() -> g16.get(-1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> g16.set(3, 0, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void cropCopiesTheRectangleAndKeepsBitDepth() {
        GreyImage16 img = new GreyImage16(4, 3, 12);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                img.set(x, y, 10 * y + x);
            }
        }
        GreyImage16 crop = img.crop(new Roi(1, 1, 2, 2));
        assertThat(crop.bitDepth()).isEqualTo(12);
        assertThat(crop.get(0, 0)).isEqualTo(11);
        assertThat(crop.get(1, 1)).isEqualTo(22);
        assertThatThrownBy(() -> img.crop(new Roi(3, 0, 2, 1))).isInstanceOf(IllegalArgumentException.class);
    }
}
