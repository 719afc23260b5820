package io.github.boneage.djl.train.data;

/**
 * Derives independent seeds from a run's seed and positions in it, so that data order and augmentation at any
 * iteration depend only on (seed, epoch, position): a resumed run draws exactly what the uninterrupted one would have.
 */
public final class Seeds {

    private Seeds() {
    }

    /**
     * @param seed  the run's seed
     * @param parts positions (epoch, index, stream id...)
     * @return a well-mixed 64-bit seed for those positions
     */
    public static long derive(long seed, long... parts) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (long p : parts) {
            h = mix(h ^ mix(p + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    /** SplitMix64's finalizer: a bijective avalanche on 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
