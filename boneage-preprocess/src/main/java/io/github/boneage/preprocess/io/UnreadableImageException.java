package io.github.boneage.preprocess.io;

import io.github.boneage.core.InputFormatException;

/** An image file cannot be decoded: missing, unreadable, corrupt, truncated, or in an unsupported format or layout. */
public class UnreadableImageException extends InputFormatException {

    /**
     * @param source the file or input name
     * @param reason what is wrong
     * @param cause  the underlying failure, or {@code null}
     */
    public UnreadableImageException(String source, String reason, Throwable cause) {
        super(source, reason, cause);
    }
}
