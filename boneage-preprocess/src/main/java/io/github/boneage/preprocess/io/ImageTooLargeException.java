package io.github.boneage.preprocess.io;

import io.github.boneage.core.InputFormatException;

/**
 * An image is larger than the decoder's limits: more pixels than {@link ImageDecoder#maxPixels()}, or more memory to
 * decode than {@link ImageDecoder#maxDecodeBytes()}; detected from the file size and the header, before any pixel is
 * decoded.
 */
public class ImageTooLargeException extends InputFormatException {

    /** The image's width in pixels, from its header (0 when only the file size was over the budget). */
    private final int width;
    /** The image's height in pixels, from its header (0 when only the file size was over the budget). */
    private final int height;
    /** The pixel limit it exceeded (0 when it exceeded the memory budget instead). */
    private final long maxPixels;
    /** The bytes its decoding would need (or the file's size), when it exceeded the memory budget; else 0. */
    private final long bytes;
    /** The memory budget it exceeded (0 when it exceeded the pixel limit instead). */
    private final long maxBytes;

    /**
     * An image over the pixel limit.
     *
     * @param source    the file or input name
     * @param width     the image's width from its header
     * @param height    the image's height from its header
     * @param maxPixels the decoder's limit
     */
    public ImageTooLargeException(String source, int width, int height, long maxPixels) {
        this(source, "image is " + width + "x" + height + " = " + ((long) width * height) + " pixels, more than the limit of "
                + maxPixels + " (raise it with ImageDecoder.builder().optMaxPixels)", width, height, maxPixels, 0, 0);
    }

    private ImageTooLargeException(String source, String reason, int width, int height, long maxPixels, long bytes,
            long maxBytes) {
        super(source, 0, null, reason);
        this.width = width;
        this.height = height;
        this.maxPixels = maxPixels;
        this.bytes = bytes;
        this.maxBytes = maxBytes;
    }

    /**
     * An image whose decoding would need more memory than the budget.
     *
     * @param source   the file or input name
     * @param width    the image's width from its header
     * @param height   the image's height from its header
     * @param layout   the stored layout, e.g. {@code "4 x 16-bit samples"}
     * @param bytes    the estimated bytes to decode it
     * @param maxBytes the decoder's budget
     * @return the exception
     */
    public static ImageTooLargeException overMemoryBudget(String source, int width, int height, String layout, long bytes,
            long maxBytes) {
        return new ImageTooLargeException(source, "image is " + width + "x" + height + " with " + layout + " per pixel: "
                + "decoding it needs about " + mib(bytes) + " of memory, more than the budget of " + mib(maxBytes)
                + " (raise it with ImageDecoder.builder().optMaxDecodeBytes)", width, height, 0, bytes, maxBytes);
    }

    /**
     * A file larger than the decoding budget, refused before it is read.
     *
     * @param source    the file or input name
     * @param fileBytes the file's size
     * @param maxBytes  the decoder's budget
     * @return the exception
     */
    public static ImageTooLargeException fileOverMemoryBudget(String source, long fileBytes, long maxBytes) {
        return new ImageTooLargeException(source, "the file holds " + fileBytes + " bytes (" + mib(fileBytes)
                + "), more than the decoding budget of " + mib(maxBytes)
                + " (raise it with ImageDecoder.builder().optMaxDecodeBytes)", 0, 0, 0, fileBytes, maxBytes);
    }

    /**
     * The Java heap ran out while decoding although the estimate was within the budget (a heap smaller than the
     * budget, or other work holding memory).
     *
     * @param source   the file or input name
     * @param width    the image's width, or 0 if unknown
     * @param height   the image's height, or 0 if unknown
     * @param maxBytes the decoder's budget
     * @param cause    the error
     * @return the exception
     */
    static ImageTooLargeException outOfMemory(String source, int width, int height, long maxBytes, OutOfMemoryError cause) {
        ImageTooLargeException e = new ImageTooLargeException(source, "the Java heap ran out while decoding the " + width + "x"
                + height + " image (decoding budget " + mib(maxBytes) + ", heap limit " + mib(Runtime.getRuntime().maxMemory())
                + "); lower the budget with ImageDecoder.builder().optMaxDecodeBytes or give the JVM more heap (-Xmx)",
                width, height, 0, 0, maxBytes);
        e.initCause(cause);
        return e;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** @return the image's width, or 0 when the file was refused by its size before the header was read */
    public int width() {
        return width;
    }

    /** @return the image's height, or 0 when the file was refused by its size before the header was read */
    public int height() {
        return height;
    }

    /** @return the pixel limit that was exceeded, or 0 when the memory budget was */
    public long maxPixels() {
        return maxPixels;
    }

    /** @return the estimated bytes to decode (or the file's size), or 0 when the pixel limit was exceeded */
    public long bytes() {
        return bytes;
    }

    /** @return the memory budget that was exceeded, or 0 when the pixel limit was */
    public long maxBytes() {
        return maxBytes;
    }
}
