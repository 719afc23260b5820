package io.github.boneage.synthetic.impl;

/**
 * SplitMix64 pseudo-random numbers. Written out here rather than taken from {@code java.util} so that a sample's
 * pixels depend on nothing but (seed, index, stream): the algorithm and every derived distribution are fixed by this
 * file, not by a JDK version.
 */
public final class SplitMix64 {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final double SQRT_3 = 1.7320508075688772;

    private long state;

    /** @param seed the initial state */
    public SplitMix64(long seed) {
        this.state = seed;
    }

    /**
     * An independent stream for one aspect of one sample, so that e.g. switching markers on does not move the hand.
     *
     * @param seed     the generator's seed
     * @param index    the sample index
     * @param streamId which aspect (pose, anatomy, noise, ...)
     * @return a generator whose sequence depends only on the three arguments
     */
    public static SplitMix64 stream(long seed, long index, int streamId) {
        return new SplitMix64(mix(mix(mix(seed) + index) + streamId * 0xD1B54A32D192ED03L));
    }

    /**
     * @param z the value to mix
     * @return the SplitMix64 finalizer of {@code z}: a bijective 64-bit mix
     */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return the next 64 random bits */
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** @return uniform in [0, 1) with 53 random bits */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * @param lo lower bound, inclusive
     * @param hi upper bound, exclusive
     * @return uniform in [lo, hi); exactly {@code lo} when the range is empty
     */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /**
     * @param halfWidth half the width of the interval, centred on 0
     * @return uniform in [-halfWidth, halfWidth)
     */
    public double symmetric(double halfWidth) {
        return halfWidth * (2 * nextDouble() - 1);
    }

    /**
     * @param p the probability, in [0, 1]
     * @return true with probability {@code p} (never for 0, always for 1)
     */
    public boolean bernoulli(double p) {
        return nextDouble() < p;
    }

    /**
     * @param lo lower bound, inclusive
     * @param hi upper bound, inclusive
     * @return a uniformly chosen integer in [lo, hi], both inclusive
     */
    public int uniformInt(int lo, int hi) {
        return lo + (int) Math.floor(nextDouble() * ((long) hi - lo + 1));
    }

    /**
     * An approximately standard-normal value from one 64-bit draw: the Irwin-Hall sum of four 16-bit uniforms, scaled
     * to unit variance. Bounded at +-3.46, which is what image noise wants (no rare wild pixels), and far cheaper than
     * an exact Gaussian in a per-pixel loop.
     *
     * @return a value with mean 0 and variance 1
     */
    public double nextNoise() {
        long bits = nextLong();
        int sum = (int) (bits & 0xFFFF) + (int) ((bits >>> 16) & 0xFFFF) + (int) ((bits >>> 32) & 0xFFFF)
                + (int) ((bits >>> 48) & 0xFFFF);
        // +2: centre each 16-bit uniform on its bin, so the mean is exactly 0.
        return ((sum + 2) * (1.0 / 65536) - 2.0) * SQRT_3;
    }
}
