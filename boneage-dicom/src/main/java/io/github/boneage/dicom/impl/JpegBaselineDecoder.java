package io.github.boneage.dicom.impl;

import io.github.boneage.dicom.DicomFormatException;
import io.github.boneage.dicom.UnsupportedTransferSyntaxException;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes 8-bit DCT JPEG (Baseline, Process 1; Extended, Process 2 &amp; 4 with 8-bit samples) with the JDK's ImageIO
 * JPEG reader, reading the raster so that no colour conversion touches the grey samples. The frame header is checked
 * first (8-bit, one component, Rows x Columns), so the JDK reader never allocates for a size the file does not
 * declare. 12-bit Extended JPEG is refused with {@link UnsupportedTransferSyntaxException}: the JDK reader decodes only
 * 8-bit samples, and no maintained pure-Java 12-bit DCT decoder is on Maven Central.
 */
final class JpegBaselineDecoder {

    private JpegBaselineDecoder() {
    }

    /**
     * @param source  the file, for messages
     * @param syntax  the transfer syntax UID, for messages
     * @param name    the transfer syntax name, for messages
     * @param data    the JPEG stream
     * @param rows    Rows
     * @param columns Columns
     * @return the decoded samples
     * @throws UnsupportedTransferSyntaxException for 12-bit samples or a process other than 8-bit DCT
     * @throws DicomFormatException               naming PixelData when the stream is corrupt or disagrees with the image
     */
    static JpegImage decode(String source, String syntax, String name, byte[] data, int rows, int columns) {
        int[] header = frameHeader(source, data);
        int marker = header[0];
        int precision = header[1];
        if (marker != 0xC0 && marker != 0xC1) {
            throw new UnsupportedTransferSyntaxException(source, syntax, name, String.format("the JPEG frame is "
                    + "FF%02X; only Huffman-coded sequential DCT (FFC0, FFC1) is decoded", marker));
        }
        if (precision != 8) {
            throw new UnsupportedTransferSyntaxException(source, syntax, name, precision + "-bit samples: the JDK's JPEG "
                    + "reader decodes 8-bit DCT JPEG only");
        }
        if (header[4] != 1) {
            throw new DicomFormatException(source, "PixelData", "the JPEG stream has " + header[4] + " components, a "
                    + "greyscale image has 1");
        }
        if (header[2] != rows || header[3] != columns) {
            throw new DicomFormatException(source, "PixelData", "the JPEG frame is " + header[3] + "x" + header[2]
                    + ", Columns x Rows is " + columns + "x" + rows);
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new UnsupportedTransferSyntaxException(source, syntax, name, "this Java runtime has no ImageIO JPEG reader");
        }
        ImageReader reader = readers.next();
        // The JDK reader reports a truncated or damaged stream as a warning and fills the rest with grey: for a
        // radiograph that is a wrong image, so the first warning is an error.
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, true);
            Raster raster = reader.readRaster(0, null);
            if (!warnings.isEmpty()) {
                throw new DicomFormatException(source, "PixelData", "the JPEG stream is damaged: " + warnings.get(0));
            }
            if (raster.getWidth() != columns || raster.getHeight() != rows || raster.getNumBands() != 1) {
                throw new DicomFormatException(source, "PixelData", "the JPEG reader returned " + raster.getWidth() + "x"
                        + raster.getHeight() + " with " + raster.getNumBands() + " bands for " + columns + "x" + rows);
            }
            return new JpegImage(8, raster.getSamples(0, 0, columns, rows, 0, (int[]) null));
        } catch (IOException | RuntimeException e) {
            if (e instanceof DicomFormatException d) {
                throw d;
            }
            // The JDK decoder reports corrupt streams with IIOException and, for some, unchecked exceptions.
            throw new DicomFormatException(source, "PixelData", "the JPEG stream cannot be decoded: " + e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Finds the frame header.
     *
     * @return marker, precision, height, width, components
     */
    private static int[] frameHeader(String source, byte[] data) {
        if (data.length < 4 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
            throw new DicomFormatException(source, "PixelData", "the JPEG stream does not start with SOI (FFD8)");
        }
        int pos = 2;
        while (pos + 4 <= data.length) {
            if ((data[pos] & 0xFF) != 0xFF) {
                break;
            }
            int marker = data[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++;
                continue;
            }
            int length = (data[pos + 2] & 0xFF) << 8 | (data[pos + 3] & 0xFF);
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                if (length < 8 || pos + 2 + length > data.length) {
                    break;
                }
                return new int[] {marker, data[pos + 4] & 0xFF, (data[pos + 5] & 0xFF) << 8 | (data[pos + 6] & 0xFF),
                        (data[pos + 7] & 0xFF) << 8 | (data[pos + 8] & 0xFF), data[pos + 9] & 0xFF};
            }
            if (marker == 0xDA || marker == 0xD9 || length < 2) {
                break;
            }
            pos += 2 + length;
        }
        throw new DicomFormatException(source, "PixelData", "the JPEG stream has no frame header before its scan or end");
    }
}
