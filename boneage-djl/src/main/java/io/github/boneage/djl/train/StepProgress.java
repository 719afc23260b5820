package io.github.boneage.djl.train;

/**
 * One finished training iteration.
 *
 * @param network          the network's name
 * @param epoch            the epoch the iteration belongs to, from 0
 * @param step             the iteration just finished, from 0
 * @param totalSteps       the run's length in iterations
 * @param loss             this iteration's training loss
 * @param learningRate     the head's learning rate used
 * @param imagesPerSecond  training throughput averaged since the network started (or resumed)
 * @param etaSeconds       estimated seconds until this network's last iteration
 */
public record StepProgress(String network, int epoch, int step, int totalSteps, double loss, double learningRate,
        double imagesPerSecond, double etaSeconds) {
}
