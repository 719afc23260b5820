package io.github.boneage.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntheticHandOutputTest {

    private static SyntheticHandGenerator.Builder base() {
        return SyntheticHandGenerator.builder().setSeed(3).optImageSize(200, 240);
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 12, 16})
    void deepOutputUsesItsWholeRangeAndMatchesTheEightBitImage(int bits) {
        SyntheticHand deep = base().optBitDepth(bits).build().generate(2L);
        SyntheticHand shallow = base().build().generate(2L);
        assertThat(deep.image()).isInstanceOf(GreyImage16.class);
        assertThat(deep.image().bitDepth()).isEqualTo(bits);
        assertThat(deep.appearance().bitDepth()).isEqualTo(bits);
        int max = (1 << bits) - 1;
        BitSet levels = new BitSet(max + 1);
        GreyImage d = deep.image();
        GreyImage s = shallow.image();
        for (int y = 0; y < d.height(); y++) {
            for (int x = 0; x < d.width(); x++) {
                int v = d.get(x, y);
                assertThat(v).isBetween(0, max);
                levels.set(v);
                // Same pipeline, only the last quantization differs.
                assertThat(Math.abs(v * 255.0 / max - s.get(x, y))).isLessThanOrEqualTo(1.0);
            }
        }
        assertThat(levels.cardinality()).as("distinct grey levels").isGreaterThan(300);
        assertThat(levels.length() - 1).as("brightest level").isGreaterThan(max / 2);
    }

    @Test
    void eightBitIsTheDefault() {
        SyntheticHand hand = base().build().generate(0L);
        assertThat(hand.image()).isInstanceOf(GreyImage8.class);
        assertThat(hand.image().width()).isEqualTo(200);
        assertThat(hand.image().height()).isEqualTo(240);
    }

    @Test
    void inversionMirrorsTheGreyScale() {
        SyntheticHand normal = base().build().generate(4L);
        SyntheticHand inverted = base().optInversionProbability(1).build().generate(4L);
        assertThat(normal.appearance().inverted()).isFalse();
        assertThat(inverted.appearance().inverted()).isTrue();
        byte[] a = ((GreyImage8) normal.image()).data();
        byte[] b = ((GreyImage8) inverted.image()).data();
        for (int i = 0; i < a.length; i++) {
            assertThat((a[i] & 0xFF) + (b[i] & 0xFF)).isBetween(254, 256);
        }
    }

    @Test
    void distractorsAreDrawnWhenAskedForAndKeepTheHandInTheExposedField() {
        SyntheticHandGenerator clean = base().optNoiseRange(0, 0).build();
        SyntheticHandGenerator busy = base().optNoiseRange(0, 0).optMarkerProbability(1).optFrameProbability(1).build();
        for (long i = 0; i < 6; i++) {
            SyntheticHand plain = clean.generate(i);
            SyntheticHand marked = busy.generate(i);
            assertThat(marked.appearance().marker()).isTrue();
            assertThat(marked.appearance().frame()).isTrue();
            assertThat(plain.appearance().marker()).isFalse();
            assertThat(marked.landmarks()).isEqualTo(plain.landmarks());
            // The frame brightens the image border; the landmarks' surroundings are untouched.
            assertThat(ImageSampling.quantile(marked.image(), 0.5)).isGreaterThanOrEqualTo(
                    ImageSampling.quantile(plain.image(), 0.5));
            marked.landmarks().points().values().forEach(p -> assertThat(
                    ImageSampling.discMean(marked.image(), p, 1.5)).isEqualTo(
                    ImageSampling.discMean(plain.image(), p, 1.5)));
        }
    }
}
