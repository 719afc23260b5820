package io.github.boneage.djl.train.landmarks;

/**
 * Settings of a landmark training run (all recorded in the bundle's manifest).
 *
 * @param inputSize          network input side in pixels
 * @param width              channels of the network's first stage
 * @param sigma              heatmap Gaussian standard deviation in cells
 * @param batchSize          images per step
 * @param steps              optimizer steps
 * @param learningRate       AdamW peak learning rate (cosine decay to 1%, linear warm-up)
 * @param weightDecay        AdamW decoupled weight decay
 * @param syntheticFraction  share of batch slots filled with synthetic hands (when some are given)
 * @param negativeFraction   share of batch slots filled with hand-free negatives
 * @param checkpointInterval steps between checkpoints (resume points)
 * @param seed               seed of initialization, batch order and augmentation
 * @param fullRotationFraction share of examples rotated by any angle; the others within +-30 degrees of upright (the
 *                           detector tries the four quarter turns, so that covers every angle)
 * @param pseudoFraction     share of batch slots filled with pseudo-labelled radiographs (when some are given): images
 *                           whose points another detector placed, used to widen the few expert-annotated images
 * @param maskHead           whether the network has a hand-mask head and what is trained
 */
public record LandmarkTrainingSettings(int inputSize, int width, double sigma, int batchSize, int steps,
        double learningRate, double weightDecay, double syntheticFraction, double negativeFraction,
        int checkpointInterval, long seed, double fullRotationFraction, double pseudoFraction, MaskHeadTraining maskHead) {

    /**
     * Whether a run gives the network a hand-mask head ({@code LandmarkNetSpec#maskHead()}) and what it trains. (Training
     * the mask head together with the heatmaps is not offered: the shipped head was trained alone, and a joint mode
     * would change every point the figures were measured on.)
     */
    public enum MaskHeadTraining {
        /** No mask head: the heatmaps alone. */
        NONE,
        /**
         * A mask head trained alone on a frozen trunk (initial weights required): the heatmaps, and so every point
         * the detector places, stay exactly those of the initial weights.
         */
        MASK_ONLY
    }

    /**
     * Checks ranges.
     *
     * @param inputSize network input side in pixels
     * @param width channels of the network's first stage
     * @param sigma heatmap Gaussian standard deviation in cells
     * @param batchSize images per step
     * @param steps optimizer steps
     * @param learningRate AdamW peak learning rate (cosine decay to 1%, linear warm-up)
     * @param weightDecay AdamW decoupled weight decay
     * @param syntheticFraction share of batch slots filled with synthetic hands (when some are given)
     * @param negativeFraction share of batch slots filled with hand-free negatives
     * @param checkpointInterval steps between checkpoints (resume points)
     * @param seed seed of initialization, batch order and augmentation
     * @param fullRotationFraction share of examples rotated by any angle; the others within +-30 degrees of upright
     *                             (the detector tries the four quarter turns, so that covers every angle)
     * @param pseudoFraction share of batch slots filled with pseudo-labelled radiographs (when some are given)
     * @param maskHead whether the network has a hand-mask head and what is trained
     */
    public LandmarkTrainingSettings {
        java.util.Objects.requireNonNull(maskHead, "maskHead");
        if (batchSize < 1 || steps < 1 || checkpointInterval < 1) {
            throw new IllegalArgumentException("batchSize, steps and checkpointInterval must be positive");
        }
        if (!(learningRate > 0) || !(sigma > 0) || weightDecay < 0) {
            throw new IllegalArgumentException("learningRate and sigma must be positive, weightDecay non-negative");
        }
        if (!(fullRotationFraction >= 0 && fullRotationFraction <= 1)) {
            throw new IllegalArgumentException("fullRotationFraction must lie in [0, 1], got " + fullRotationFraction);
        }
        if (syntheticFraction < 0 || negativeFraction < 0 || pseudoFraction < 0
                || syntheticFraction + negativeFraction + pseudoFraction >= 1) {
            throw new IllegalArgumentException("syntheticFraction + negativeFraction + pseudoFraction must lie in [0, 1)");
        }
    }

    /** @return the defaults used for the shipped model: 128 px, width 16, sigma 1.5, batch 16, 2,000 steps */
    public static LandmarkTrainingSettings defaults() {
        return new LandmarkTrainingSettings(128, 16, 1.5, 16, 2000, 2e-3, 1e-4, 0.2, 0.06, 100, 20261122L, 0.15, 0.0, MaskHeadTraining.NONE);
    }

    /**
     * @param value steps
     * @return a copy with that many steps
     */
    public LandmarkTrainingSettings withSteps(int value) {
        return new LandmarkTrainingSettings(inputSize, width, sigma, batchSize, value, learningRate, weightDecay,
                syntheticFraction, negativeFraction, checkpointInterval, seed, fullRotationFraction, pseudoFraction, maskHead);
    }

    /**
     * @param value batch size
     * @return a copy with that batch size
     */
    public LandmarkTrainingSettings withBatchSize(int value) {
        return new LandmarkTrainingSettings(inputSize, width, sigma, value, steps, learningRate, weightDecay,
                syntheticFraction, negativeFraction, checkpointInterval, seed, fullRotationFraction, pseudoFraction, maskHead);
    }

    /**
     * @param size  input side
     * @param chans first-stage width
     * @return a copy with that network size
     */
    public LandmarkTrainingSettings withNetwork(int size, int chans) {
        return new LandmarkTrainingSettings(size, chans, sigma, batchSize, steps, learningRate, weightDecay,
                syntheticFraction, negativeFraction, checkpointInterval, seed, fullRotationFraction, pseudoFraction, maskHead);
    }

    /**
     * @param value share of examples rotated by any angle
     * @return a copy with that share
     */
    public LandmarkTrainingSettings withFullRotationFraction(double value) {
        return new LandmarkTrainingSettings(inputSize, width, sigma, batchSize, steps, learningRate, weightDecay,
                syntheticFraction, negativeFraction, checkpointInterval, seed, value, pseudoFraction, maskHead);
    }

    /**
     * @param value peak learning rate
     * @return a copy with that rate
     */
    public LandmarkTrainingSettings withLearningRate(double value) {
        return new LandmarkTrainingSettings(inputSize, width, sigma, batchSize, steps, value, weightDecay,
                syntheticFraction, negativeFraction, checkpointInterval, seed, fullRotationFraction, pseudoFraction, maskHead);
    }

    /**
     * @param value checkpoint interval in steps
     * @return a copy with that interval
     */
    public LandmarkTrainingSettings withCheckpointInterval(int value) {
        return new LandmarkTrainingSettings(inputSize, width, sigma, batchSize, steps, learningRate, weightDecay,
                syntheticFraction, negativeFraction, value, seed, fullRotationFraction, pseudoFraction, maskHead);
    }

    /**
     * @param value share of batch slots filled with pseudo-labelled radiographs
     * @return a copy with that share
     */
    public LandmarkTrainingSettings withPseudoFraction(double value) {
        return new LandmarkTrainingSettings(inputSize, width, sigma, batchSize, steps, learningRate, weightDecay,
                syntheticFraction, negativeFraction, checkpointInterval, seed, fullRotationFraction, value, maskHead);
    }

    /**
     * @param synthetic share of batch slots filled with synthetic hands
     * @param negative  share of batch slots filled with hand-free negatives
     * @return a copy with those shares
     */
    public LandmarkTrainingSettings withShares(double synthetic, double negative) {
        return new LandmarkTrainingSettings(inputSize, width, sigma, batchSize, steps, learningRate, weightDecay,
                synthetic, negative, checkpointInterval, seed, fullRotationFraction, pseudoFraction, maskHead);
    }

    /**
     * @param value whether the network has a hand-mask head and what is trained
     * @return a copy with that choice
     */
    public LandmarkTrainingSettings withMaskHead(MaskHeadTraining value) {
        return new LandmarkTrainingSettings(inputSize, width, sigma, batchSize, steps, learningRate, weightDecay,
                syntheticFraction, negativeFraction, checkpointInterval, seed, fullRotationFraction, pseudoFraction, value);
    }
}
