package io.github.boneage.djl.train;

import io.github.boneage.core.BoneAgeException;

/** Training cannot start or continue: bad data or settings, a diverged run, a checkpoint from another run, I/O failure. */
public class TrainingException extends BoneAgeException {

    /** @param message what is wrong, naming the input */
    public TrainingException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the input
     * @param cause   the underlying failure
     */
    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
