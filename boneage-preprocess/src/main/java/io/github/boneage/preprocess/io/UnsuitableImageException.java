package io.github.boneage.preprocess.io;

import io.github.boneage.core.InputFormatException;

/**
 * An image decodes but cannot be a radiograph to estimate from: fewer than 8 bits per grey sample (bilevel, 2- or
 * 4-bit), a side shorter than the decoder's minimum, or an aspect ratio beyond its limit. Detected from the header,
 * before the pixels are decoded.
 */
public class UnsuitableImageException extends InputFormatException {

    /**
     * @param source the file or input name
     * @param reason what makes the image unsuitable, with the measured value and the limit
     */
    public UnsuitableImageException(String source, String reason) {
        super(source, 0, null, reason);
    }
}
