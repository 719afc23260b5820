package io.github.boneage.preprocess.io;

/**
 * An image file ends before its image data do: a cut JPEG ({@code Premature end of JPEG file}) or a PNG without its
 * {@code IEND} chunk or with a chunk cut off. Refused rather than decoded, because the codecs fill the missing rows
 * with grey and a model would estimate an age from the half-image.
 */
public class TruncatedImageException extends UnreadableImageException {

    /**
     * @param source the file or input name
     * @param reason where the data end and what is missing
     * @param cause  the underlying failure, or {@code null}
     */
    public TruncatedImageException(String source, String reason, Throwable cause) {
        super(source, reason, cause);
    }
}
