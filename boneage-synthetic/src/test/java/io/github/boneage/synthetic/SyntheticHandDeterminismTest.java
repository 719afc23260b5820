package io.github.boneage.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SyntheticHandDeterminismTest {

    private static SyntheticHandGenerator.Builder settings(long seed) {
        return SyntheticHandGenerator.builder()
                .setSeed(seed)
                .optImageSize(128, 160)
                .optRotationRange(-180, 180)
                .optFlipProbability(0.5)
                .optInversionProbability(0.3)
                .optMarkerProbability(0.5)
                .optFrameProbability(0.5);
    }

    private static byte[] bytes(GreyImage image) {
        return ((GreyImage8) image).data();
    }

    @Test
    void sameSeedAndIndexGiveIdenticalSamplesWhateverTheCallOrder() {
        SyntheticHandGenerator first = settings(42).build();
        SyntheticHandGenerator second = settings(42).build();
        List<SyntheticHand> forward = new ArrayList<>();
        for (long i = 0; i < 6; i++) {
            forward.add(first.generate(i));
        }
        for (long i = 5; i >= 0; i--) {
            SyntheticHand again = second.generate(i);
            SyntheticHand original = forward.get((int) i);
            assertThat(bytes(again.image())).isEqualTo(bytes(original.image()));
            assertThat(again.landmarks()).isEqualTo(original.landmarks());
            assertThat(again.ageMonths()).isEqualTo(original.ageMonths());
            assertThat(again.sex()).isEqualTo(original.sex());
            assertThat(again.pose()).isEqualTo(original.pose());
            assertThat(again.appearance()).isEqualTo(original.appearance());
        }
    }

    @Test
    void samplesDoNotDependOnTheThread() throws Exception {
        SyntheticHandGenerator generator = settings(7).build();
        List<byte[]> sequential = new ArrayList<>();
        for (long i = 0; i < 8; i++) {
            sequential.add(bytes(generator.generate(i).image()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<byte[]>> parallel = new ArrayList<>();
            for (long i = 7; i >= 0; i--) {
                long index = i;
                parallel.add(pool.submit(() -> bytes(generator.generate(index).image())));
            }
            for (int k = 0; k < 8; k++) {
                assertThat(parallel.get(k).get()).isEqualTo(sequential.get(7 - k));
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void differentIndicesAndSeedsGiveDifferentSamples() {
        SyntheticHandGenerator generator = settings(42).build();
        SyntheticHand a = generator.generate(0L);
        SyntheticHand b = generator.generate(1L);
        SyntheticHand c = settings(43).build().generate(0L);
        assertThat(bytes(a.image())).isNotEqualTo(bytes(b.image()));
        assertThat(bytes(a.image())).isNotEqualTo(bytes(c.image()));
        assertThat(a.landmarks()).isNotEqualTo(b.landmarks());
        assertThat(a.landmarks()).isNotEqualTo(c.landmarks());
    }

    @Test
    void listHelpersGiveTheSamplesOfTheirIndices() {
        SyntheticHandGenerator generator = settings(5).build();
        List<SyntheticHand> firstThree = generator.generate(3);
        List<SyntheticHand> later = generator.generate(10L, 2);
        assertThat(firstThree).extracting(SyntheticHand::index).containsExactly(0L, 1L, 2L);
        assertThat(later).extracting(SyntheticHand::index).containsExactly(10L, 11L);
        assertThat(bytes(firstThree.get(2).image())).isEqualTo(bytes(generator.generate(2L).image()));
        assertThat(bytes(later.get(1).image())).isEqualTo(bytes(generator.generate(11L).image()));
        assertThat(generator.generate(0)).isEmpty();
    }

    @Test
    void appearanceSettingsDoNotMoveTheHand() {
        SyntheticHand plain = settings(9).optNoiseRange(0, 0).optBlurRange(0, 0).build().generate(4L);
        SyntheticHand styled = settings(9).optNoiseRange(0.05, 0.1).optBlurRange(1, 2).optGammaRange(2, 3)
                .optBitDepth(12).build().generate(4L);
        assertThat(styled.landmarks()).isEqualTo(plain.landmarks());
        assertThat(styled.pose()).isEqualTo(plain.pose());
        assertThat(styled.ageMonths()).isEqualTo(plain.ageMonths());
        assertThat(styled.image()).isInstanceOf(GreyImage16.class);
    }
}
