package io.github.boneage.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitMix64Test {

    @Test
    void matchesTheReferenceImplementation() {
        // outputs of Vigna's splitmix64.c for seed 1234567 (recomputed independently in Python)
        SplitMix64 g = new SplitMix64(1234567);
        assertThat(g.nextLong()).isEqualTo(6457827717110365317L);
        assertThat(g.nextLong()).isEqualTo(3203168211198807973L);
        assertThat(g.nextLong()).isEqualTo(-8629252141511181193L); // 9817491932198370423 unsigned
        SplitMix64 zero = new SplitMix64(0);
        assertThat(zero.nextLong()).isEqualTo(-2152535657050944081L);
        assertThat(zero.nextLong()).isEqualTo(7960286522194355700L);
    }

    @Test
    void boundedIntsStayInRangeAndCoverIt() {
        SplitMix64 g = new SplitMix64(99);
        int[] counts = new int[7];
        for (int i = 0; i < 7000; i++) {
            counts[g.nextInt(7)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(850, 1150);
        }
    }

    @Test
    void shuffleIsAPermutationAndDependsOnTheSeed() {
        List<Integer> a = new ArrayList<>(IntStream.range(0, 50).boxed().toList());
        List<Integer> b = new ArrayList<>(a);
        List<Integer> c = new ArrayList<>(a);
        new SplitMix64(5).shuffle(a);
        new SplitMix64(5).shuffle(b);
        new SplitMix64(6).shuffle(c);
        assertThat(a).isEqualTo(b).isNotEqualTo(c).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 50).boxed().toList());
    }
}
