package io.github.boneage.core.dataset;

import java.util.List;

/**
 * The SplitMix64 generator (Steele, Lea &amp; Flood 2014; constants of Vigna's reference version), written out here so
 * that a seeded split selects the same images on every JVM version and platform: {@link java.util.SplittableRandom}
 * is not specified to keep its output across Java releases.
 */
final class SplitMix64 {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    /** @return a seed for an independent stream, derived from a split seed and a stratum code */
    static long derive(long seed, long stratum) {
        return mix(mix(seed) ^ stratum * GOLDEN_GAMMA);
    }

    long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return a uniform integer in {@code [0, bound)}, without modulo bias (rejection sampling) */
    int nextInt(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long bits;
        long value;
        do {
            bits = nextLong() >>> 1;
            value = bits % bound;
        } while (bits - value + (bound - 1) < 0);
        return (int) value;
    }

    /** Shuffles the list in place (Fisher-Yates, from the end). */
    <T> void shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            T tmp = list.get(i);
            list.set(i, list.get(j));
            list.set(j, tmp);
        }
    }
}
