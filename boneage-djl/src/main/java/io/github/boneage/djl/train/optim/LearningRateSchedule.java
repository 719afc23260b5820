package io.github.boneage.djl.train.optim;

import java.util.Locale;

/**
 * How the learning rate changes with the iteration (step) number, as a factor of the base learning rate, after an
 * optional linear warm-up.
 *
 * <ul>
 *   <li>{@code constant}: factor 1;</li>
 *   <li>{@code step}: Caffe's {@code lr_policy: "step"}, {@code gamma ^ floor(step / stepSize)};</li>
 *   <li>{@code cosine}: from 1 down to {@code minFactor} over the run (half a cosine);</li>
 *   <li>{@code one-cycle}: up from {@code 1/25} to 1 over the first {@code peakFraction} of the run, then down to
 *       {@code 1/25/10^4}, both halves cosine-shaped (PyTorch's OneCycleLR defaults).</li>
 * </ul>
 *
 * @param policy       {@code constant}, {@code step}, {@code cosine} or {@code one-cycle}
 * @param stepSize     {@code step}: iterations between decays
 * @param gamma        {@code step}: the decay factor
 * @param minFactor    {@code cosine}: the final factor
 * @param peakFraction {@code one-cycle}: fraction of the run spent warming up
 * @param warmupSteps  linear warm-up from 0 over this many iterations (0 = none; not used with {@code one-cycle})
 */
public record LearningRateSchedule(String policy, int stepSize, double gamma, double minFactor, double peakFraction, int warmupSteps) {

    private static final double ONE_CYCLE_DIV = 25;
    private static final double ONE_CYCLE_FINAL_DIV = 1e4;

    /**
     * Validates the fields.
     *
     * @param policy {@code constant}, {@code step}, {@code cosine} or {@code one-cycle}
     * @param stepSize {@code step}: iterations between decays
     * @param gamma {@code step}: the decay factor
     * @param minFactor {@code cosine}: the final factor
     * @param peakFraction {@code one-cycle}: fraction of the run spent warming up
     * @param warmupSteps linear warm-up from 0 over this many iterations (0 = none; not used with {@code one-cycle})
     */
    public LearningRateSchedule {
        policy = policy == null ? "constant" : policy.trim().toLowerCase(Locale.ROOT);
        switch (policy) {
            case "constant", "cosine" -> { }
            case "step" -> {
                if (stepSize < 1 || !(gamma > 0)) {
                    throw new IllegalArgumentException("step schedule needs stepSize >= 1 and gamma > 0, got " + stepSize + ", " + gamma);
                }
            }
            case "one-cycle" -> {
                if (!(peakFraction > 0 && peakFraction < 1)) {
                    throw new IllegalArgumentException("one-cycle needs 0 < peakFraction < 1, got " + peakFraction);
                }
            }
            default -> throw new IllegalArgumentException("unknown learning-rate policy '" + policy + "' (expected constant, step, cosine or one-cycle)");
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        }
    }

    /** @return a constant learning rate */
    public static LearningRateSchedule constant() {
        return new LearningRateSchedule("constant", 0, 0, 0, 0, 0);
    }

    /**
     * @param stepSize iterations between decays (the seed paper: 800)
     * @param gamma    decay factor (the seed paper: 0.1)
     * @return Caffe's step policy
     */
    public static LearningRateSchedule step(int stepSize, double gamma) {
        return new LearningRateSchedule("step", stepSize, gamma, 0, 0, 0);
    }

    /**
     * @param minFactor the final learning rate as a fraction of the base
     * @return cosine annealing over the whole run
     */
    public static LearningRateSchedule cosine(double minFactor) {
        return new LearningRateSchedule("cosine", 0, 0, minFactor, 0, 0);
    }

    /**
     * @param peakFraction fraction of the run spent rising to the peak (PyTorch's default is 0.3)
     * @return the one-cycle policy
     */
    public static LearningRateSchedule oneCycle(double peakFraction) {
        return new LearningRateSchedule("one-cycle", 0, 0, 0, peakFraction, 0);
    }

    /**
     * @param steps the number of warm-up iterations
     * @return a copy with a linear warm-up over the first {@code steps} iterations
     */
    public LearningRateSchedule withWarmup(int steps) {
        return new LearningRateSchedule(policy, stepSize, gamma, minFactor, peakFraction, steps);
    }

    /**
     * @param step       the iteration, from 0
     * @param totalSteps the run's length in iterations
     * @return the factor to multiply the base learning rate by
     */
    public double factor(int step, int totalSteps) {
        double progress = totalSteps <= 1 ? 0 : Math.min(1.0, step / (double) (totalSteps - 1));
        double f = switch (policy) {
            case "step" -> Math.pow(gamma, step / stepSize);
            case "cosine" -> minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
            case "one-cycle" -> oneCycleFactor(progress);
            default -> 1.0;
        };
        if (warmupSteps > 0 && step < warmupSteps && !policy.equals("one-cycle")) {
            f *= (step + 1) / (double) warmupSteps;
        }
        return f;
    }

    private double oneCycleFactor(double progress) {
        double start = 1 / ONE_CYCLE_DIV;
        double end = start / ONE_CYCLE_FINAL_DIV;
        if (progress < peakFraction) {
            return cosineBetween(start, 1, progress / peakFraction);
        }
        return cosineBetween(1, end, (progress - peakFraction) / (1 - peakFraction));
    }

    private static double cosineBetween(double from, double to, double t) {
        return to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * t));
    }
}
