package io.github.boneage.djl.train;

import io.github.boneage.djl.train.net.NetworkSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.util.List;

/**
 * What a training run did and measured; written as {@value #FILE_NAME} into the model bundle.
 *
 * @param modelName          the model's name
 * @param createdAt          ISO-8601 time the run finished
 * @param bundle             the model bundle's folder
 * @param sexHandling        {@link SexHandling#label()}
 * @param backbone           the backbone's name
 * @param preprocess         the preprocessing every image went through
 * @param settings           the solver and schedule
 * @param trainingImages     usable training images (all networks)
 * @param validationImages   usable validation images (all networks)
 * @param validationMad      MAD in months over all validation images, each predicted by its network's kept weights
 * @param validationCcc      Lin's CCC over the same predictions
 * @param cacheSeconds       seconds spent decoding and preprocessing images into the cache
 * @param cacheBytes         bytes the cached images take
 * @param wallSeconds        seconds this call to {@code train()} took (a resumed run's earlier sessions are in each
 *                           network's history)
 * @param networks           one entry per trained network
 * @param skippedImages      images that could not be used, with the reason
 */
public record TrainingReport(
        String modelName,
        String createdAt,
        String bundle,
        String sexHandling,
        String backbone,
        PreprocessSpec preprocess,
        TrainingSettings settings,
        int trainingImages,
        int validationImages,
        double validationMad,
        double validationCcc,
        double cacheSeconds,
        long cacheBytes,
        double wallSeconds,
        List<NetworkReport> networks,
        List<SkippedImage> skippedImages) {

    /** The report's file name inside the bundle. */
    public static final String FILE_NAME = "training-report.json";

    /**
     * Copies the lists.
     *
     * @param modelName the model's name
     * @param createdAt ISO-8601 time the run finished
     * @param bundle the model bundle's folder
     * @param sexHandling {@link SexHandling#label()}
     * @param backbone the backbone's name
     * @param cacheBytes bytes the cached images take
     * @param cacheSeconds seconds spent decoding and preprocessing images into the cache
     * @param networks one entry per trained network
     * @param preprocess the preprocessing every image went through
     * @param settings the solver and schedule
     * @param skippedImages images that could not be used, with the reason
     * @param trainingImages usable training images (all networks)
     * @param validationCcc Lin's CCC over the same predictions
     * @param validationImages usable validation images (all networks)
     * @param validationMad MAD in months over all validation images, each predicted by its network's kept weights
     * @param wallSeconds seconds this call to {@code train()} took (a resumed run's earlier sessions are in each
     *                    network's history)
     */
    public TrainingReport {
        networks = List.copyOf(networks);
        skippedImages = List.copyOf(skippedImages);
    }

    /**
     * One network's training.
     *
     * @param name                 {@code all}, {@code male} or {@code female}
     * @param spec                 how to rebuild and decode it
     * @param trainingImages       its training images
     * @param validationImages     its validation images
     * @param steps                iterations run
     * @param totalSteps           iterations planned
     * @param stoppedEarly         whether early stopping ended it
     * @param keptStep             iteration count of the kept weights (the best validation, or the last)
     * @param keptValidationMad    validation MAD of the kept weights ({@code NaN} without validation)
     * @param keptValidationCcc    validation CCC of the kept weights
     * @param imagesPerSecond      training images per second of training time (excluding validation and checkpoints)
     * @param loaderWaitSeconds    seconds the training step waited for the data pipeline (near 0 when it keeps up)
     * @param history              one record per validation point
     */
    public record NetworkReport(
            String name,
            NetworkSpec spec,
            int trainingImages,
            int validationImages,
            int steps,
            int totalSteps,
            boolean stoppedEarly,
            int keptStep,
            double keptValidationMad,
            double keptValidationCcc,
            double imagesPerSecond,
            double loaderWaitSeconds,
            List<EpochRecord> history) {

        /**
         * Copies the history.
         *
         * @param name {@code all}, {@code male} or {@code female}
         * @param spec how to rebuild and decode it
         * @param trainingImages its training images
         * @param validationImages its validation images
         * @param steps iterations run
         * @param history one record per validation point
         * @param imagesPerSecond training images per second of training time (excluding validation and checkpoints)
         * @param keptStep iteration count of the kept weights (the best validation, or the last)
         * @param keptValidationCcc validation CCC of the kept weights
         * @param keptValidationMad validation MAD of the kept weights ({@code NaN} without validation)
         * @param loaderWaitSeconds seconds the training step waited for the data pipeline (near 0 when it keeps up)
         * @param stoppedEarly whether early stopping ended it
         * @param totalSteps iterations planned
         */
        public NetworkReport {
            history = List.copyOf(history);
        }
    }

    /**
     * An image left out of the run.
     *
     * @param id     the example's id
     * @param reason why
     */
    public record SkippedImage(String id, String reason) {
    }
}
