package io.github.boneage.djl.train;

import java.nio.file.Path;

/**
 * Receives a training run's progress, e.g. to drive a CLI progress bar. Called on the training thread; keep the
 * methods quick. A listener that throws aborts the run (its last checkpoint can be resumed).
 */
public interface TrainingProgressListener {

    /**
     * A network starts (or resumes) training.
     *
     * @param network          the network's name ({@code all}, {@code male} or {@code female})
     * @param firstStep        the first iteration to run (0, or the checkpoint's when resuming)
     * @param totalSteps       the run's length in iterations
     * @param trainingImages   training images of this network
     * @param validationImages validation images of this network
     */
    default void onNetworkStart(String network, int firstStep, int totalSteps, int trainingImages, int validationImages) {
    }

    /** @param progress one finished iteration */
    default void onStep(StepProgress progress) {
    }

    /** @param record a finished validation (one per epoch unless the validation interval says otherwise) */
    default void onValidation(EpochRecord record) {
    }

    /**
     * @param network   the network's name
     * @param step      the next iteration to run when resuming from it
     * @param directory the checkpoint folder
     */
    default void onCheckpoint(String network, int step, Path directory) {
    }

    /**
     * An image could not be used (unreadable, wrong size...); the run goes on without it.
     *
     * @param imageId the example's id
     * @param reason  why
     */
    default void onImageSkipped(String imageId, String reason) {
    }

    /** @param report the finished run's report */
    default void onFinish(TrainingReport report) {
    }
}
