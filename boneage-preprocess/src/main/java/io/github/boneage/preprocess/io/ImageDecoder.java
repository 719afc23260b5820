package io.github.boneage.preprocess.io;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG and JPEG radiographs (and the other formats {@code javax.imageio} reads, such as TIFF and BMP) into grey
 * images, keeping the bit depth: 8-bit files become {@link GreyImage8}, 16-bit files {@link GreyImage16} with bit
 * depth 16; 1-, 2- and 4-bit grey files are scaled to 8 bits ({@code v * 255 / (2^b - 1)}, exact).
 *
 * <p>Colour is reduced to grey with the ITU-R BT.601 luma weights 0.299, 0.587, 0.114 in 15-bit fixed point,
 * {@code Y = (9798 R + 19235 G + 3735 B + 16384) >> 15}, which is what OpenCV's {@code cvtColor(RGB2GRAY)} computes
 * for 8-bit images (tested equal); 16-bit colour uses the same integers. Alpha is ignored. Palette images map each
 * palette entry through the same formula.
 *
 * <p>The width and height are read from the header first, and images with more than {@link #maxPixels()} pixels are
 * refused with {@link ImageTooLargeException} before any pixel is decoded (a guard against decompression bombs and
 * accidental giant scans). Anything that cannot be decoded raises {@link UnreadableImageException} naming the source.
 * Immutable and thread-safe. Build with {@link #builder()}.
 */
public final class ImageDecoder {

    /** Default pixel limit: 50 megapixels, above any hand radiograph (a 43 x 35 cm plate at 100 um is 15 Mpx). */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    private final long maxPixels;

    private ImageDecoder(Builder b) {
        this.maxPixels = b.maxPixels;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a decoder with the default limit */
    public static ImageDecoder create() {
        return builder().build();
    }

    /** @return the largest number of pixels accepted */
    public long maxPixels() {
        return maxPixels;
    }

    /**
     * @param file an image file
     * @return the decoded grey image
     * @throws ImageTooLargeException   if the image has more pixels than the limit
     * @throws UnreadableImageException if the file is missing, unreadable, corrupt or in an unsupported format
     */
    public GreyImage decode(Path file) {
        String source = file.toString();
        try (InputStream in = Files.newInputStream(file)) {
            return decode(in, source);
        } catch (NoSuchFileException e) {
            throw new UnreadableImageException(source, "no such file", e);
        } catch (IOException e) {
            throw new UnreadableImageException(source, "cannot read the file: " + e, e);
        }
    }

    /**
     * @param bytes  the encoded image
     * @param source a name for error messages
     * @return the decoded grey image
     * @throws ImageTooLargeException   if the image has more pixels than the limit
     * @throws UnreadableImageException if the bytes are not a decodable image
     */
    public GreyImage decode(byte[] bytes, String source) {
        return decode(new ByteArrayInputStream(bytes), source);
    }

    /**
     * @param in     the encoded image (read, not closed)
     * @param source a name for error messages
     * @return the decoded grey image
     * @throws ImageTooLargeException   if the image has more pixels than the limit
     * @throws UnreadableImageException if the stream is not a decodable image
     */
    public GreyImage decode(InputStream in, String source) {
        try (ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            if (iis == null) {
                throw new UnreadableImageException(source, "cannot open an image stream", null);
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new UnreadableImageException(source, "not an image in a known format (expected PNG or JPEG)", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if ((long) width * height > maxPixels) {
                    throw new ImageTooLargeException(source, width, height, maxPixels);
                }
                BufferedImage image = reader.read(0);
                return toGrey(image, source);
            } finally {
                reader.dispose();
            }
        } catch (BoneAgeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // javax.imageio reports corrupt data as IIOException, but also as unchecked exceptions from the codecs.
            throw new UnreadableImageException(source, "corrupt or unsupported image: " + e.getMessage(), e);
        }
    }

    private static GreyImage toGrey(BufferedImage image, String source) {
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        int bits = raster.getSampleModel().getSampleSize(0);
        if (cm instanceof IndexColorModel icm) {
            return fromPalette(raster, icm);
        }
        int colourType = cm.getColorSpace().getType();
        int colours = cm.getNumColorComponents();
        boolean grey = colourType == ColorSpace.TYPE_GRAY && colours == 1;
        boolean rgb = colourType == ColorSpace.TYPE_RGB && colours == 3;
        if (!grey && !rgb) {
            throw new UnreadableImageException(source, "unsupported colour space (" + colours + " colour components, type "
                    + colourType + "); expected grey or RGB", null);
        }
        for (int b = 1; b < raster.getNumBands(); b++) {
            if (raster.getSampleModel().getSampleSize(b) != bits) {
                throw new UnreadableImageException(source, "bands of different sample sizes are not supported", null);
            }
        }
        if (bits == 8) {
            byte[] data = grey ? greySamples8(raster) : toBytes(lumaSamples(raster));
            return new GreyImage8(raster.getWidth(), raster.getHeight(), data);
        }
        if (bits == 16) {
            short[] data = grey ? greySamples16(raster) : toShorts(lumaSamples(raster));
            return new GreyImage16(raster.getWidth(), raster.getHeight(), 16, data);
        }
        if (bits < 8 && grey) {
            return new GreyImage8(raster.getWidth(), raster.getHeight(), scaledTo8(raster, bits));
        }
        throw new UnreadableImageException(source, bits + "-bit " + (grey ? "grey" : "colour") + " samples are not supported", null);
    }

    /** One band of a byte raster, straight from its buffer when it is a plain component layout. */
    private static byte[] greySamples8(Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[w * h];
        Layout layout = Layout.of(raster, 0);
        if (layout != null && raster.getDataBuffer() instanceof DataBufferByte db) {
            byte[] data = db.getData(layout.bank);
            for (int y = 0; y < h; y++) {
                int src = layout.offset + y * layout.scanline;
                if (layout.pixelStride == 1) {
                    System.arraycopy(data, src, out, y * w, w);
                } else {
                    for (int x = 0; x < w; x++) {
                        out[y * w + x] = data[src + x * layout.pixelStride];
                    }
                }
            }
            return out;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) row[x];
            }
        }
        return out;
    }

    private static short[] greySamples16(Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        short[] out = new short[w * h];
        Layout layout = Layout.of(raster, 0);
        if (layout != null && raster.getDataBuffer() instanceof DataBufferUShort db) {
            short[] data = db.getData(layout.bank);
            for (int y = 0; y < h; y++) {
                int src = layout.offset + y * layout.scanline;
                if (layout.pixelStride == 1) {
                    System.arraycopy(data, src, out, y * w, w);
                } else {
                    for (int x = 0; x < w; x++) {
                        out[y * w + x] = data[src + x * layout.pixelStride];
                    }
                }
            }
            return out;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (short) row[x];
            }
        }
        return out;
    }

    /** BT.601 luma of bands 0, 1, 2 (R, G, B in colour-model order), read a row of each band at a time. */
    private static int[] lumaSamples(Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int[] r = new int[w];
        int[] g = new int[w];
        int[] b = new int[w];
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, r);
            raster.getSamples(0, y, w, 1, 1, g);
            raster.getSamples(0, y, w, 1, 2, b);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = luma(r[x], g[x], b[x]);
            }
        }
        return out;
    }

    private static byte[] toBytes(int[] values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static short[] toShorts(int[] values) {
        short[] out = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (short) values[i];
        }
        return out;
    }

    /**
     * @return the BT.601 luma of one RGB sample in 15-bit fixed point, rounded half up (OpenCV's {@code RGB2GRAY})
     */
    static int luma(int r, int g, int b) {
        return (9798 * r + 19235 * g + 3735 * b + 16384) >> 15;
    }

    private static GreyImage8 fromPalette(Raster raster, IndexColorModel icm) {
        int size = icm.getMapSize();
        byte[] greyOf = new byte[size];
        for (int i = 0; i < size; i++) {
            greyOf[i] = (byte) luma(icm.getRed(i), icm.getGreen(i), icm.getBlue(i));
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = greyOf[row[x]];
            }
        }
        return new GreyImage8(w, h, out);
    }

    private static byte[] scaledTo8(Raster raster, int bits) {
        int max = (1 << bits) - 1;
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) (row[x] * 255 / max);
            }
        }
        return out;
    }

    /** Where one band's samples live in a single-bank component raster. */
    private static final class Layout {
        final int bank;
        final int offset;
        final int pixelStride;
        final int scanline;

        private Layout(int bank, int offset, int pixelStride, int scanline) {
            this.bank = bank;
            this.offset = offset;
            this.pixelStride = pixelStride;
            this.scanline = scanline;
        }

        /** @return the layout, or {@code null} when the raster is not a plain component layout */
        static Layout of(Raster raster, int band) {
            if (!(raster.getSampleModel() instanceof ComponentSampleModel csm)) {
                return null;
            }
            DataBuffer buffer = raster.getDataBuffer();
            int bank = csm.getBankIndices()[band];
            int x = raster.getMinX() - raster.getSampleModelTranslateX();
            int y = raster.getMinY() - raster.getSampleModelTranslateY();
            int offset = buffer.getOffsets()[bank] + csm.getOffset(x, y, band);
            return new Layout(bank, offset, csm.getPixelStride(), csm.getScanlineStride());
        }
    }

    /** Builder: {@code optX} for the optional settings. */
    public static final class Builder {
        private long maxPixels = DEFAULT_MAX_PIXELS;

        private Builder() {
        }

        /**
         * @param maxPixels the largest number of pixels (width x height) to decode, at least 1
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder optMaxPixels(long maxPixels) {
            if (maxPixels < 1) {
                throw new IllegalArgumentException("maxPixels must be at least 1, got " + maxPixels);
            }
            this.maxPixels = maxPixels;
            return this;
        }

        /** @return the decoder */
        public ImageDecoder build() {
            return new ImageDecoder(this);
        }
    }
}
