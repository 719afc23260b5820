package io.github.boneage.preprocess.io;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.InputFiles;
import io.github.boneage.core.NotARegularFileException;
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
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG and JPEG radiographs (and the other formats {@code javax.imageio} reads, such as TIFF and BMP) into grey
 * images, keeping the bit depth: 8-bit files become {@link GreyImage8}, 16-bit files {@link GreyImage16} with bit
 * depth 16.
 *
 * <p>Colour is reduced to grey with the ITU-R BT.601 luma weights 0.299, 0.587, 0.114 in 15-bit fixed point,
 * {@code Y = (9798 R + 19235 G + 3735 B + 16384) >> 15}, which is what OpenCV's {@code cvtColor(RGB2GRAY)} computes
 * for 8-bit images (tested equal); 16-bit colour uses the same integers. Alpha is ignored. Palette images map each
 * palette entry through the same formula.
 *
 * <p>Hostile or broken input is refused with a typed {@link io.github.boneage.core.InputFormatException} naming the
 * source, never decoded into something a model would estimate from:
 * <ul>
 *   <li>a path that is not a regular file (FIFO, device, socket, folder): {@link NotARegularFileException}, before it
 *       is opened;</li>
 *   <li>a file larger than the decoding budget, an image with more than {@link #maxPixels()} pixels, or one whose
 *       decoding would need more than {@link #maxDecodeBytes()} bytes of memory (estimated from the header: the stored
 *       raster at its bands and sample size, the colour-to-grey working copy, the grey output and the encoded bytes):
 *       {@link ImageTooLargeException}, before any pixel is decoded;</li>
 *   <li>fewer than 8 bits per sample (bilevel, 2- or 4-bit grey or palette), a side shorter than
 *       {@link #minSide()}, or a longer-to-shorter side ratio above {@link #maxAspectRatio()}:
 *       {@link UnsuitableImageException}, from the header;</li>
 *   <li>a truncated file, a PNG cut before {@code IEND} or a JPEG whose codec warns of a premature end or
 *       a missing end-of-image marker:
 *       {@link TruncatedImageException}; any other codec warning (corrupt data the codec would paper over), a PNG
 *       chunk with a wrong CRC, and anything else that does not decode: {@link UnreadableImageException}.</li>
 * </ul>
 * Immutable and thread-safe. Build with {@link #builder()}.
 */
public final class ImageDecoder {

    /** Default pixel limit: 50 megapixels, above any hand radiograph (a 43 x 35 cm plate at 100 um is 15 Mpx). */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    /**
     * Default memory budget for decoding one image: 256 MiB. A 15-megapixel 16-bit grey plate needs about 60 MiB (stored
     * raster and grey output), the same in 16-bit RGB about 180 MiB; a 16-bit RGBA file of 50 megapixels would need
     * about 700 MiB and is refused.
     */
    public static final long DEFAULT_MAX_DECODE_BYTES = 256L * 1024 * 1024;
    /**
     * Default shortest side: 64 px. Below it no hand can be analysed (the landmark detector needs 32 px, the models
     * read 160 px or more); the RSNA images at 299 x 299 are well above it.
     */
    public static final int DEFAULT_MIN_SIDE = 64;
    /**
     * Default largest ratio of the longer to the shorter side: 8. Hand radiographs lie between about 1:2 and 2:1; a
     * strip 8 times longer than wide is not a hand radiograph, and extreme strips broke the landmark analysis.
     */
    public static final double DEFAULT_MAX_ASPECT_RATIO = 8;
    /** Fewest bits per sample a radiograph can have: bilevel, 2- and 4-bit images hold no usable bone contrast. */
    public static final int MIN_BITS_PER_SAMPLE = 8;

    private final long maxPixels;
    private final long maxDecodeBytes;
    private final int minSide;
    private final double maxAspectRatio;

    private ImageDecoder(Builder b) {
        this.maxPixels = b.maxPixels;
        this.maxDecodeBytes = b.maxDecodeBytes;
        this.minSide = b.minSide;
        this.maxAspectRatio = b.maxAspectRatio;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a decoder with the default limits */
    public static ImageDecoder create() {
        return builder().build();
    }

    /** @return the largest number of pixels accepted */
    public long maxPixels() {
        return maxPixels;
    }

    /** @return the memory budget, in bytes, for decoding one image (the file size counts against it too) */
    public long maxDecodeBytes() {
        return maxDecodeBytes;
    }

    /** @return the shortest side accepted, in pixels */
    public int minSide() {
        return minSide;
    }

    /** @return the largest ratio of the longer to the shorter side accepted */
    public double maxAspectRatio() {
        return maxAspectRatio;
    }

    /**
     * @param file an image file
     * @return the decoded grey image
     * @throws NotARegularFileException  if the path is a FIFO, device, socket or folder (checked before opening it)
     * @throws ImageTooLargeException    if the file, the image or its decoding memory exceed the limits
     * @throws UnsuitableImageException  if the image has fewer than 8 bits per sample, is too small or too elongated
     * @throws TruncatedImageException   if the file ends before its image data do
     * @throws UnreadableImageException  if the file is missing, unreadable, corrupt or in an unsupported format
     */
    public GreyImage decode(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            long size = InputFiles.requireRegularFile(file).size();
            if (size > maxDecodeBytes) {
                throw ImageTooLargeException.fileOverMemoryBudget(source, size, maxDecodeBytes);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UnreadableImageException(source, "no such file", e);
        } catch (IOException e) {
            throw new UnreadableImageException(source, "cannot read the file: " + e, e);
        }
        return decode(bytes, source);
    }

    /**
     * @param in     the encoded image (read to its end, not closed)
     * @param source a name for error messages
     * @return the decoded grey image
     * @throws ImageTooLargeException   if the stream, the image or its decoding memory exceed the limits
     * @throws UnsuitableImageException if the image has fewer than 8 bits per sample, is too small or too elongated
     * @throws TruncatedImageException  if the stream ends before the image data do
     * @throws UnreadableImageException if the stream fails or is not a decodable image
     */
    public GreyImage decode(InputStream in, String source) {
        byte[] bytes;
        try {
            // One byte more than the budget tells an over-budget stream from one exactly at it.
            int cap = (int) Math.min(Integer.MAX_VALUE - 8, maxDecodeBytes + 1);
            bytes = in.readNBytes(cap);
            if (bytes.length > maxDecodeBytes) {
                throw ImageTooLargeException.fileOverMemoryBudget(source, bytes.length, maxDecodeBytes);
            }
        } catch (IOException e) {
            throw new UnreadableImageException(source, "cannot read the stream: " + e, e);
        }
        return decode(bytes, source);
    }

    /**
     * @param bytes  the encoded image
     * @param source a name for error messages
     * @return the decoded grey image
     * @throws ImageTooLargeException   if the bytes, the image or its decoding memory exceed the limits
     * @throws UnsuitableImageException if the image has fewer than 8 bits per sample, is too small or too elongated
     * @throws TruncatedImageException  if the bytes end before the image data do
     * @throws UnreadableImageException if the bytes are not a decodable image
     */
    public GreyImage decode(byte[] bytes, String source) {
        if (bytes.length == 0) {
            throw new TruncatedImageException(source, "the file is empty (0 bytes)", null);
        }
        if (bytes.length > maxDecodeBytes) {
            throw ImageTooLargeException.fileOverMemoryBudget(source, bytes.length, maxDecodeBytes);
        }
        boolean png = PngStructure.isPng(bytes);
        int width = 0;
        int height = 0;
        // A memory cache, not ImageIO's default file cache: the bytes are in memory already and no temporary file is
        // written for an input.
        try (ImageInputStream iis = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new UnreadableImageException(source, "not an image in a known format (expected PNG or JPEG; "
                        + bytes.length + " bytes starting " + head(bytes) + ")", null);
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(iis, true, true);
                reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
                width = reader.getWidth(0);
                height = reader.getHeight(0);
                checkHeader(reader, width, height, bytes.length, source);
                // After the header, so that a file whose header alone is hostile (a size bomb) is named for that.
                if (png) {
                    PngStructure.check(bytes, source);
                }
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    refuseWarnings(warnings, reader.getFormatName(), source);
                }
                return toGrey(image, source);
            } finally {
                reader.dispose();
            }
        } catch (BoneAgeException e) {
            throw e;
        } catch (EOFException e) {
            throw new TruncatedImageException(source, "the file ends before the image data do: " + e, e);
        } catch (IOException | RuntimeException e) {
            // javax.imageio reports corrupt data as IIOException, but also as unchecked exceptions from the codecs.
            if (png) {
                // A PNG cut inside its header fails in the codec; the chunk walk says where the file ends.
                PngStructure.check(bytes, source);
            }
            if (causedByEndOfFile(e)) {
                throw new TruncatedImageException(source, "the file ends before the image data do: " + e.getMessage(), e);
            }
            throw new UnreadableImageException(source, "corrupt or unsupported image: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            // The header estimate keeps decoding within the budget; a heap smaller than the budget (or other work
            // holding it) can still run out. The arrays of this decode are garbage now, so one image fails, not the batch.
            throw ImageTooLargeException.outOfMemory(source, width, height, maxDecodeBytes, e);
        }
    }

    /** Refuses, from the header alone, what is too large, too small, too elongated or of too few bits. */
    private void checkHeader(ImageReader reader, int width, int height, long encodedBytes, String source) throws IOException {
        if (width <= 0 || height <= 0) {
            throw new UnreadableImageException(source, "corrupt header: the image is " + width + "x" + height, null);
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new ImageTooLargeException(source, width, height, maxPixels);
        }
        ImageTypeSpecifier type = reader.getRawImageType(0);
        if (type == null) {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            type = types.hasNext() ? types.next() : null;
        }
        if (type == null) {
            throw new UnreadableImageException(source, "the codec reports no pixel layout for this image", null);
        }
        SampleModel model = type.getSampleModel();
        int bands = model.getNumBands();
        int bits = model.getSampleSize(0);
        boolean palette = type.getColorModel() instanceof IndexColorModel;
        if (bits < MIN_BITS_PER_SAMPLE) {
            throw new UnsuitableImageException(source, bits + "-bit " + (palette ? "palette" : "grey") + " image ("
                    + (bits == 1 ? "bilevel, " : "") + (1 << bits) + " levels): a radiograph needs at least "
                    + MIN_BITS_PER_SAMPLE + " bits per sample");
        }
        int elementBytes = Math.max(1, DataBuffer.getDataTypeSize(model.getDataType()) / 8);
        long storedPerPixel = model instanceof ComponentSampleModel ? (long) bands * elementBytes : elementBytes;
        boolean colour = !palette && type.getColorModel().getNumColorComponents() > 1;
        long workingPerPixel = colour ? Integer.BYTES : 0;
        long outputPerPixel = bits > 8 ? 2 : 1;
        long needed = encodedBytes + pixels * (storedPerPixel + workingPerPixel + outputPerPixel);
        if (needed > maxDecodeBytes) {
            throw ImageTooLargeException.overMemoryBudget(source, width, height, bands + " x " + bits + "-bit sample"
                    + (bands == 1 ? "" : "s"), needed, maxDecodeBytes);
        }
        int shorter = Math.min(width, height);
        int longer = Math.max(width, height);
        if (shorter < minSide) {
            throw new UnsuitableImageException(source, "image is " + width + "x" + height + ": its shorter side is below the "
                    + "minimum of " + minSide + " px (too small to be a hand radiograph)");
        }
        if (longer > maxAspectRatio * shorter) {
            throw new UnsuitableImageException(source, String.format(Locale.ROOT, "image is %dx%d: its sides are %.1f : 1, "
                    + "beyond the limit of %.1f : 1 for a hand radiograph", width, height, longer / (double) shorter,
                    maxAspectRatio));
        }
    }

    /** A codec that warns has papered over corrupt data (grey fill, skipped bytes): the image is refused. */
    private static void refuseWarnings(List<String> warnings, String format, String source) {
        String all = String.join("; ", warnings);
        for (String w : warnings) {
            String lower = w.toLowerCase(Locale.ROOT);
            // libjpeg's "Premature end of JPEG file", the JDK's "Truncated File - Missing EOI marker"
            if (lower.contains("premature end") || lower.contains("truncated") || lower.contains("missing eoi")) {
                throw new TruncatedImageException(source, format + " file is truncated: the codec reports '" + all
                        + "' (the missing part would be filled with grey)", null);
            }
        }
        throw new UnreadableImageException(source, "corrupt " + format + " data: the codec reports '" + all + "'", null);
    }

    private static boolean causedByEndOfFile(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    /** @return the first bytes of a file, in hex, for messages about unknown formats */
    private static String head(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            sb.append(String.format("%02X", bytes[i] & 0xFF));
        }
        return sb.toString();
    }

    private static GreyImage toGrey(BufferedImage image, String source) {
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        int bits = raster.getSampleModel().getSampleSize(0);
        if (bits < MIN_BITS_PER_SAMPLE) {
            // checkHeader refuses these from the raw type; a codec whose decoded type differs is caught here.
            throw new UnsuitableImageException(source, bits + "-bit samples: a radiograph needs at least " + MIN_BITS_PER_SAMPLE);
        }
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
        private long maxDecodeBytes = DEFAULT_MAX_DECODE_BYTES;
        private int minSide = DEFAULT_MIN_SIDE;
        private double maxAspectRatio = DEFAULT_MAX_ASPECT_RATIO;

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

        /**
         * @param bytes memory budget for decoding one image (encoded file, stored raster, working copy and grey
         *              output, estimated from the header), at least 1; default {@link ImageDecoder#DEFAULT_MAX_DECODE_BYTES}
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder optMaxDecodeBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxDecodeBytes must be at least 1, got " + bytes);
            }
            this.maxDecodeBytes = bytes;
            return this;
        }

        /**
         * @param pixels the shortest side accepted, at least 1; default {@link ImageDecoder#DEFAULT_MIN_SIDE}
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder optMinSide(int pixels) {
            if (pixels < 1) {
                throw new IllegalArgumentException("minSide must be at least 1, got " + pixels);
            }
            this.minSide = pixels;
            return this;
        }

        /**
         * @param ratio the largest ratio of the longer to the shorter side accepted, at least 1; default
         *              {@link ImageDecoder#DEFAULT_MAX_ASPECT_RATIO}
         * @return this builder
         * @throws IllegalArgumentException if below 1 or not finite
         */
        public Builder optMaxAspectRatio(double ratio) {
            if (!(ratio >= 1) || Double.isInfinite(ratio)) {
                throw new IllegalArgumentException("maxAspectRatio must be a finite number >= 1, got " + ratio);
            }
            this.maxAspectRatio = ratio;
            return this;
        }

        /** @return the decoder */
        public ImageDecoder build() {
            return new ImageDecoder(this);
        }
    }
}
