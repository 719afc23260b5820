package io.github.boneage.djl.train;

/**
 * Figures at one validation point (normally the end of an epoch).
 *
 * @param network         the network's name
 * @param epoch           epochs completed (fractional when validating within an epoch)
 * @param step            iterations completed
 * @param trainLoss       mean training loss over the iterations since the previous record
 * @param validationMad   mean absolute difference in months on the network's validation images ({@code NaN} without any)
 * @param validationCcc   Lin's concordance correlation coefficient on them ({@code NaN} without any)
 * @param imagesPerSecond training images per second of training time since the previous record
 * @param wallSeconds     seconds since the network started, counting earlier sessions when resumed
 * @param learningRate    the head's learning rate at this point
 */
public record EpochRecord(String network, double epoch, int step, double trainLoss, double validationMad, double validationCcc,
        double imagesPerSecond, double wallSeconds, double learningRate) {
}
