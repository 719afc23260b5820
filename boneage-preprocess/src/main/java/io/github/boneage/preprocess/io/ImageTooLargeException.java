package io.github.boneage.preprocess.io;

import io.github.boneage.core.InputFormatException;

/** An image has more pixels than the decoder's limit; detected from the header, before any pixel is decoded. */
public class ImageTooLargeException extends InputFormatException {

    private final int width;
    private final int height;
    private final long maxPixels;

    /**
     * @param source    the file or input name
     * @param width     the image's width from its header
     * @param height    the image's height from its header
     * @param maxPixels the decoder's limit
     */
    public ImageTooLargeException(String source, int width, int height, long maxPixels) {
        super(source, 0, null, "image is " + width + "x" + height + " = " + ((long) width * height) + " pixels, more than the limit of "
                + maxPixels + " (raise it with ImageDecoder.builder().optMaxPixels)");
        this.width = width;
        this.height = height;
        this.maxPixels = maxPixels;
    }

    /** @return the image's width */
    public int width() {
        return width;
    }

    /** @return the image's height */
    public int height() {
        return height;
    }

    /** @return the limit that was exceeded */
    public long maxPixels() {
        return maxPixels;
    }
}
