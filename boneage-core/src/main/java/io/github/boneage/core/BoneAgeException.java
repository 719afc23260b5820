package io.github.boneage.core;

/** Base of every exception this library throws on purpose; the message always names the input and what is wrong. */
public class BoneAgeException extends RuntimeException {

    /** @param message what went wrong, naming the input */
    public BoneAgeException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the input
     * @param cause   the underlying failure
     */
    public BoneAgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
