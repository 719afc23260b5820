package io.github.boneage.preprocess.equalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.Equalizer;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.testing.EqualizerContractTest;
import org.junit.jupiter.api.Test;

class NoEqualizerTest extends EqualizerContractTest {

    private static final Equalizer SHARED = new NoEqualizer();

    @Override
    protected Equalizer equalizer() {
        return SHARED;
    }

    @Test
    void copiesTheImage() {
        GreyImage8 src = sample8(30, 20, 1);
        GreyImage8 out = (GreyImage8) SHARED.apply((GreyImage) src);
        assertThat(out.data()).isEqualTo(src.data()).isNotSameAs(src.data());
        GreyImage16 src16 = sample16(30, 20, 12, 1);
        assertThat(((GreyImage16) SHARED.apply((GreyImage) src16)).data()).isEqualTo(src16.data());
    }

    @Test
    void identityTable() {
        int[] lut = new NoEqualizer().lookupTable(new int[1024], 10);
        for (int v = 0; v < 1024; v++) {
            assertThat(lut[v]).isEqualTo(v);
        }
    }
}
