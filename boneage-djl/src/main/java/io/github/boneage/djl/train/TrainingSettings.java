package io.github.boneage.djl.train;

import io.github.boneage.djl.train.optim.LearningRateSchedule;
import io.github.boneage.djl.train.optim.OptimizerSpec;
import java.util.Objects;

/**
 * Solver and schedule of a training run. Build with {@link #builder()}; {@link #seedPaper()} is the 2018 paper's Caffe
 * solver (Appendix 2). Serialized into the training report and the model's provenance.
 *
 * @param batchSize                 images per iteration
 * @param iterations                run length in iterations; 0 means {@code epochs} decides
 * @param epochs                    run length in passes over the training images (when {@code iterations} is 0)
 * @param baseLearningRate          the head's learning rate (and the schedule's base)
 * @param backboneLearningRateFactor the backbone's learning rate relative to the head's; {@code NaN} means 0.1 for
 *                                  pretrained backbones and 1 for backbones trained from scratch
 * @param optimizer                 the update rule
 * @param schedule                  the learning-rate schedule
 * @param loss                      the regression loss
 * @param huberDelta                {@link LossFunction#HUBER}'s threshold, in scaled-target units
 * @param targetScaling             whether the network predicts {@code (age - mean) / std} (true) or raw months, as the
 *                                  papers' Caffe models did (false)
 * @param augmentation              random changes to training images
 * @param seed                      the seed for data order, augmentation, initialization and dropout
 * @param validationInterval        iterations between validations; 0 means once per epoch
 * @param checkpointInterval        iterations between checkpoints; 0 means at every validation
 * @param earlyStoppingPatience     stop after this many validations without a better validation MAD; 0 disables
 * @param loaderThreads             background threads that assemble batches (0: on the training thread, between
 *                                  iterations)
 * @param prefetchBatches           batches assembled ahead of the training step
 */
public record TrainingSettings(
        int batchSize,
        int iterations,
        double epochs,
        double baseLearningRate,
        double backboneLearningRateFactor,
        OptimizerSpec optimizer,
        LearningRateSchedule schedule,
        LossFunction loss,
        double huberDelta,
        boolean targetScaling,
        Augmentation augmentation,
        long seed,
        int validationInterval,
        int checkpointInterval,
        int earlyStoppingPatience,
        int loaderThreads,
        int prefetchBatches) {

    /**
     * Validates the fields.
     *
     * @param batchSize images per iteration
     * @param iterations run length in iterations; 0 means {@code epochs} decides
     * @param epochs run length in passes over the training images (when {@code iterations} is 0)
     * @param baseLearningRate the head's learning rate (and the schedule's base)
     * @param backboneLearningRateFactor the backbone's learning rate relative to the head's; {@code NaN} means 0.1 for
     *                                   pretrained backbones and 1 for backbones trained from scratch
     * @param augmentation random changes to training images
     * @param checkpointInterval iterations between checkpoints; 0 means at every validation
     * @param earlyStoppingPatience stop after this many validations without a better validation MAD; 0 disables
     * @param huberDelta {@link LossFunction#HUBER}'s threshold, in scaled-target units
     * @param loaderThreads background threads that assemble batches (0: on the training thread, between iterations)
     * @param loss the regression loss
     * @param optimizer the update rule
     * @param prefetchBatches batches assembled ahead of the training step
     * @param schedule the learning-rate schedule
     * @param seed the seed for data order, augmentation, initialization and dropout
     * @param targetScaling whether the network predicts {@code (age - mean) / std} (true) or raw months, as the papers'
     *                      Caffe models did (false)
     * @param validationInterval iterations between validations; 0 means once per epoch
     */
    public TrainingSettings {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(augmentation, "augmentation");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (iterations < 0 || (iterations == 0 && !(epochs > 0))) {
            throw new IllegalArgumentException("give iterations >= 1 or epochs > 0 (got " + iterations + " iterations, " + epochs + " epochs)");
        }
        if (!(baseLearningRate > 0)) {
            throw new IllegalArgumentException("base learning rate must be > 0, got " + baseLearningRate);
        }
        if (!Double.isNaN(backboneLearningRateFactor) && !(backboneLearningRateFactor >= 0)) {
            throw new IllegalArgumentException("backbone learning-rate factor must be >= 0, got " + backboneLearningRateFactor);
        }
        if (!(huberDelta > 0)) {
            throw new IllegalArgumentException("Huber delta must be > 0, got " + huberDelta);
        }
        if (validationInterval < 0 || checkpointInterval < 0 || earlyStoppingPatience < 0) {
            throw new IllegalArgumentException("intervals and patience must be >= 0");
        }
        if (loaderThreads < 0 || prefetchBatches < 1) {
            throw new IllegalArgumentException("loader threads must be >= 0 and prefetched batches >= 1, got " + loaderThreads
                    + " and " + prefetchBatches);
        }
    }

    /** @return a builder with the modern defaults (AdamW, cosine schedule, L1 loss, standard augmentation) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The 2018 paper's solver (Appendix 2): Caffe SGD, base LR 3e-6, momentum 0.9, weight decay 5e-4, step policy
     * (x0.1 every 800 iterations), 3000 iterations, snapshot every 1000, Euclidean loss on raw months (no target
     * scaling), biases at twice the learning rate, no augmentation. The backbone keeps the base learning rate, as in
     * Caffe where every layer had {@code lr_mult: 1}. The paper does not give the batch size; 32 is used.
     *
     * @return the builder preset to those settings (change the base learning rate with {@code optBaseLearningRate})
     */
    public static Builder seedPaper() {
        return new Builder()
                .optBatchSize(32)
                .optIterations(3000)
                .optBaseLearningRate(0.000003)
                .optBackboneLearningRateFactor(1.0)
                .optOptimizer(OptimizerSpec.caffeSgd())
                .optSchedule(LearningRateSchedule.step(800, 0.1))
                .optLoss(LossFunction.L2)
                .optTargetScaling(false)
                .optAugmentation(Augmentation.none())
                .optCheckpointInterval(1000)
                .optValidationInterval(100);
    }

    /**
     * @param trainingImages number of training images of one network
     * @return iterations per epoch (incomplete last batches are dropped, so at least 1)
     */
    public int stepsPerEpoch(int trainingImages) {
        return Math.max(1, trainingImages / Math.min(batchSize, Math.max(1, trainingImages)));
    }

    /**
     * @param trainingImages number of training images of one network
     * @return the run's length in iterations
     */
    public int totalSteps(int trainingImages) {
        if (iterations > 0) {
            return iterations;
        }
        return Math.max(1, (int) Math.ceil(epochs * stepsPerEpoch(trainingImages)));
    }

    /**
     * @param pretrainedBackbone whether the backbone's weights are pretrained
     * @return the backbone's learning-rate factor after resolving the automatic default
     */
    public double resolvedBackboneFactor(boolean pretrainedBackbone) {
        if (!Double.isNaN(backboneLearningRateFactor)) {
            return backboneLearningRateFactor;
        }
        return pretrainedBackbone ? 0.1 : 1.0;
    }

    /** Builder: every field is optional. */
    public static final class Builder {
        private int batchSize = 32;
        private int iterations;
        private double epochs = 10;
        private double baseLearningRate = 1e-3;
        private double backboneLearningRateFactor = Double.NaN;
        private OptimizerSpec optimizer = OptimizerSpec.adamW(1e-4);
        private LearningRateSchedule schedule = LearningRateSchedule.cosine(0.01);
        private LossFunction loss = LossFunction.L1;
        private double huberDelta = 0.25;
        private boolean targetScaling = true;
        private Augmentation augmentation = Augmentation.standard();
        private long seed = 42;
        private int validationInterval;
        private int checkpointInterval;
        private int earlyStoppingPatience;
        private int loaderThreads = 1;
        private int prefetchBatches = 3;

        private Builder() {
        }

        /**
         * @param value images per batch
         * @return this builder with the batch size set (default 32)
         */
        public Builder optBatchSize(int value) {
            batchSize = value;
            return this;
        }

        /**
         * @param value the number of iterations
         * @return this builder with the run length set in iterations (overrides epochs)
         */
        public Builder optIterations(int value) {
            iterations = value;
            return this;
        }

        /**
         * @param value the number of epochs (may be fractional)
         * @return this builder with the run length set in epochs (default 10; clears iterations)
         */
        public Builder optEpochs(double value) {
            epochs = value;
            iterations = 0;
            return this;
        }

        /**
         * @param value the head's learning rate
         * @return this builder with the head's learning rate set (default 1e-3)
         */
        public Builder optBaseLearningRate(double value) {
            baseLearningRate = value;
            return this;
        }

        /**
         * @param value the backbone's learning rate as a fraction of the head's
         * @return this builder with the backbone's learning-rate factor set (default: 0.1 pretrained, 1 from scratch)
         */
        public Builder optBackboneLearningRateFactor(double value) {
            backboneLearningRateFactor = value;
            return this;
        }

        /**
         * @param value the update rule
         * @return this builder with the update rule set (default AdamW, weight decay 1e-4)
         */
        public Builder optOptimizer(OptimizerSpec value) {
            optimizer = value;
            return this;
        }

        /**
         * @param value the learning-rate schedule
         * @return this builder with the learning-rate schedule set (default cosine down to 1%)
         */
        public Builder optSchedule(LearningRateSchedule value) {
            schedule = value;
            return this;
        }

        /**
         * @param value the regression loss
         * @return this builder with the regression loss set (default L1)
         */
        public Builder optLoss(LossFunction value) {
            loss = value;
            return this;
        }

        /**
         * @param value the Huber threshold, in scaled-target units
         * @return this builder with the Huber threshold set, in scaled-target units (default 0.25)
         */
        public Builder optHuberDelta(double value) {
            huberDelta = value;
            return this;
        }

        /**
         * @param value whether targets are scaled (standardised) for training
         * @return this builder with output scaling on (default) or off (raw months, as in the papers)
         */
        public Builder optTargetScaling(boolean value) {
            targetScaling = value;
            return this;
        }

        /**
         * @param value the augmentation
         * @return this builder with the augmentation set (default {@link Augmentation#standard()})
         */
        public Builder optAugmentation(Augmentation value) {
            augmentation = value;
            return this;
        }

        /**
         * @param value the random seed
         * @return this builder with the seed set (default 42)
         */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /**
         * @param value iterations between validations (0: once per epoch)
         * @return this builder with the validation interval set in iterations (default 0: once per epoch)
         */
        public Builder optValidationInterval(int value) {
            validationInterval = value;
            return this;
        }

        /**
         * @param value iterations between checkpoints (0: at every validation)
         * @return this builder with the checkpoint interval set in iterations (default 0: at every validation)
         */
        public Builder optCheckpointInterval(int value) {
            checkpointInterval = value;
            return this;
        }

        /**
         * @param value validations without improvement before stopping (0: never stop early)
         * @return this builder with early stopping after this many validations without improvement (default 0: off)
         */
        public Builder optEarlyStoppingPatience(int value) {
            earlyStoppingPatience = value;
            return this;
        }

        /**
         * @param value the number of batch-assembling threads (0: on the training thread)
         * @return this builder with the number of batch-assembling threads set (default 1; 0 = on the training thread)
         */
        public Builder optLoaderThreads(int value) {
            loaderThreads = value;
            return this;
        }

        /**
         * @param value the number of batches prepared ahead
         * @return this builder with the number of batches prepared ahead set (default 3)
         */
        public Builder optPrefetchBatches(int value) {
            prefetchBatches = value;
            return this;
        }

        /** @return the settings */
        public TrainingSettings build() {
            return new TrainingSettings(batchSize, iterations, epochs, baseLearningRate, backboneLearningRateFactor, optimizer,
                    schedule, loss, huberDelta, targetScaling, augmentation, seed, validationInterval, checkpointInterval,
                    earlyStoppingPatience, loaderThreads, prefetchBatches);
        }
    }
}
