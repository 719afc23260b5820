package io.github.boneage.preprocess.io;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes grey images as lossless PNG: {@link GreyImage8} as 8-bit grey, {@link GreyImage16} as 16-bit grey. Samples
 * are stored as they are, so decoding gives the same values back; a 16-bit image of lower bit depth (say 12) is not
 * rescaled and reads back with bit depth 16 and unchanged values.
 */
public final class PngWriter {

    private PngWriter() {
    }

    /**
     * @param image the image
     * @param file  the destination, created or replaced
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void write(GreyImage image, Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(image, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param image the image
     * @param out   the destination (not closed)
     * @throws UncheckedIOException if the stream fails
     */
    public static void write(GreyImage image, OutputStream out) {
        try {
            if (!ImageIO.write(toBufferedImage(image), "png", out)) {
                throw new IllegalStateException("no PNG writer available in javax.imageio");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PNG: " + e.getMessage(), e);
        }
    }

    /**
     * @param image the image to encode, 8 or 16 bits
     * @return the PNG encoding of the image
     */
    public static byte[] encode(GreyImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(image, out);
        return out.toByteArray();
    }

    private static BufferedImage toBufferedImage(GreyImage image) {
        if (image instanceof GreyImage8 g8) {
            BufferedImage bi = new BufferedImage(g8.width(), g8.height(), BufferedImage.TYPE_BYTE_GRAY);
            byte[] data = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
            System.arraycopy(g8.data(), 0, data, 0, data.length);
            return bi;
        }
        GreyImage16 g16 = (GreyImage16) image;
        BufferedImage bi = new BufferedImage(g16.width(), g16.height(), BufferedImage.TYPE_USHORT_GRAY);
        short[] data = ((DataBufferUShort) bi.getRaster().getDataBuffer()).getData();
        System.arraycopy(g16.data(), 0, data, 0, data.length);
        return bi;
    }
}
