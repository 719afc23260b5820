package io.github.boneage.preprocess.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.preprocess.testing.OpenCvSupport;
import io.github.boneage.preprocess.testing.SyntheticImages;
import io.github.boneage.preprocess.testing.SyntheticImages.Kind;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

class ImageDecoderTest {

    /** The size and aspect limits are for radiographs; these tests decode small synthetic layouts. */
    private static final ImageDecoder DECODER = ImageDecoder.builder().optMinSide(1).optMaxAspectRatio(100).build();

    @TempDir
    Path dir;

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).as("writer for %s", format).isTrue();
        return out.toByteArray();
    }

    private static BufferedImage rgb(int w, int h, int type, long seed) {
        BufferedImage bi = new BufferedImage(w, h, type);
        SplittableRandom r = new SplittableRandom(seed);
        WritableRaster raster = bi.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < raster.getNumBands(); b++) {
                    raster.setSample(x, y, b, r.nextInt(256));
                }
            }
        }
        return bi;
    }

    @Test
    void eightBitGreyPngRoundTrips() throws IOException {
        GreyImage8 img = SyntheticImages.image8(Kind.NOISE, 37, 21, 1);
        Path file = dir.resolve("grey8.png");
        PngWriter.write(img, file);
        GreyImage back = DECODER.decode(file);
        assertThat(back).isInstanceOf(GreyImage8.class);
        assertThat(((GreyImage8) back).data()).isEqualTo(img.data());
    }

    @Test
    void sixteenBitGreyPngStaysSixteenBit() {
        GreyImage16 img = SyntheticImages.image16(Kind.NOISE, 33, 19, 16, 2);
        GreyImage back = DECODER.decode(PngWriter.encode(img), "grey16.png");
        assertThat(back).isInstanceOf(GreyImage16.class);
        assertThat(back.bitDepth()).isEqualTo(16);
        assertThat(((GreyImage16) back).data()).isEqualTo(img.data());

        GreyImage16 twelve = SyntheticImages.image16(Kind.GRADIENT, 20, 10, 12, 3);
        GreyImage16 back12 = (GreyImage16) DECODER.decode(PngWriter.encode(twelve), "grey12.png");
        assertThat(back12.data()).isEqualTo(twelve.data());
    }

    @Test
    void rgbBecomesBt601LumaLikeOpenCv() throws IOException {
        OpenCvSupport.load();
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB}) {
            BufferedImage bi = rgb(29, 17, type, type);
            GreyImage8 grey = (GreyImage8) DECODER.decode(encode(bi, "png"), "rgb.png");
            Mat rgbMat = new Mat(17, 29, CvType.CV_8UC3);
            byte[] rgbBytes = new byte[29 * 17 * 3];
            for (int y = 0; y < 17; y++) {
                for (int x = 0; x < 29; x++) {
                    int p = bi.getRGB(x, y);
                    int i = (y * 29 + x) * 3;
                    rgbBytes[i] = (byte) (p >> 16);
                    rgbBytes[i + 1] = (byte) (p >> 8);
                    rgbBytes[i + 2] = (byte) p;
                    int expected = (int) Math.round(0.299 * ((p >> 16) & 0xFF) + 0.587 * ((p >> 8) & 0xFF) + 0.114 * (p & 0xFF));
                    assertThat(grey.get(x, y)).isBetween(expected - 1, expected + 1);
                }
            }
            rgbMat.put(0, 0, rgbBytes);
            Mat greyMat = new Mat();
            Imgproc.cvtColor(rgbMat, greyMat, Imgproc.COLOR_RGB2GRAY);
            assertThat(grey.data()).isEqualTo(OpenCvSupport.toImage8(greyMat).data());
        }
    }

    @Test
    void rgbaIgnoresAlpha() throws IOException {
        BufferedImage argb = rgb(12, 9, BufferedImage.TYPE_4BYTE_ABGR, 5);
        GreyImage8 grey = (GreyImage8) DECODER.decode(encode(argb, "png"), "rgba.png");
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 12; x++) {
                WritableRaster r = argb.getRaster();
                int want = ImageDecoder.luma(r.getSample(x, y, 0), r.getSample(x, y, 1), r.getSample(x, y, 2));
                assertThat(grey.get(x, y)).isEqualTo(want);
            }
        }
    }

    @Test
    void sixteenBitRgbBecomesSixteenBitGrey() throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {16, 16, 16}, false,
                false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(10, 6);
        SplittableRandom r = new SplittableRandom(6);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 10; x++) {
                for (int b = 0; b < 3; b++) {
                    raster.setSample(x, y, b, r.nextInt(65536));
                }
            }
        }
        BufferedImage bi = new BufferedImage(cm, raster, false, null);
        GreyImage16 grey = (GreyImage16) DECODER.decode(encode(bi, "png"), "rgb16.png");
        assertThat(grey.bitDepth()).isEqualTo(16);
        assertThat(grey.get(3, 4)).isEqualTo(ImageDecoder.luma(raster.getSample(3, 4, 0), raster.getSample(3, 4, 1), raster.getSample(3, 4, 2)));
    }

    @Test
    void greyWithAlphaKeepsTheGrey() throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), new int[] {8, 8}, true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(8, 5);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 8; x++) {
                raster.setSample(x, y, 0, x * 30 + y);
                raster.setSample(x, y, 1, 128);
            }
        }
        GreyImage8 grey = (GreyImage8) DECODER.decode(encode(new BufferedImage(cm, raster, false, null), "png"), "ga.png");
        assertThat(grey.get(7, 4)).isEqualTo(214);
        assertThat(grey.get(2, 1)).isEqualTo(61);
    }

    @Test
    void paletteMapsEntriesToGrey() throws IOException {
        byte[] red = {0, (byte) 255, 0, 100};
        byte[] green = {0, 0, (byte) 255, 100};
        byte[] blue = {0, 0, 0, 100};
        IndexColorModel icm = new IndexColorModel(8, 4, red, green, blue);
        BufferedImage bi = new BufferedImage(6, 4, BufferedImage.TYPE_BYTE_INDEXED, icm);
        WritableRaster raster = bi.getRaster();
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                raster.setSample(x, y, 0, (x + y) % 4);
            }
        }
        GreyImage8 grey = (GreyImage8) DECODER.decode(encode(bi, "png"), "palette.png");
        int[] expected = {0, ImageDecoder.luma(255, 0, 0), ImageDecoder.luma(0, 255, 0), 100};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                assertThat(grey.get(x, y)).isEqualTo(expected[(x + y) % 4]);
            }
        }
    }

    @Test
    void jpegGreyAndColourDecode() throws IOException {
        GreyImage8 img = SyntheticImages.image8(Kind.GRADIENT, 64, 48, 7);
        BufferedImage bi = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY);
        bi.getRaster().setDataElements(0, 0, 64, 48, img.data());
        GreyImage back = DECODER.decode(encode(bi, "jpg"), "grey.jpg");
        assertThat(back).isInstanceOf(GreyImage8.class);
        assertThat(back.width()).isEqualTo(64);
        assertThat(back.height()).isEqualTo(48);
        assertThat(Math.abs(back.get(30, 20) - img.get(30, 20))).isLessThan(12);

        GreyImage colour = DECODER.decode(encode(rgb(40, 30, BufferedImage.TYPE_3BYTE_BGR, 8), "jpg"), "colour.jpg");
        assertThat(colour).isInstanceOf(GreyImage8.class);
        assertThat(colour.width()).isEqualTo(40);
    }

    @Test
    void tooManyPixelsIsRefused() {
        GreyImage8 img = new GreyImage8(100, 60);
        byte[] png = PngWriter.encode(img);
        ImageDecoder small = ImageDecoder.builder().optMaxPixels(5999).optMinSide(1).build();
        assertThatThrownBy(() -> small.decode(png, "big.png"))
                .isInstanceOf(ImageTooLargeException.class)
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("big.png")
                .hasMessageContaining("100x60")
                .hasMessageContaining("5999");
        assertThat(ImageDecoder.builder().optMaxPixels(6000).optMinSide(1).build().decode(png, "ok.png").width()).isEqualTo(100);
    }

    @Test
    void sizeIsCheckedFromTheHeaderBeforeDecoding() {
        // A PNG whose header claims 100000 x 100000 but holds no pixel data: refused as too large, not as corrupt and
        // without allocating 10 GB.
        byte[] bomb = pngHeaderOnly(100_000, 100_000);
        assertThatThrownBy(() -> DECODER.decode(bomb, "bomb.png"))
                .isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("bomb.png")
                .hasMessageContaining("100000x100000");
    }

    @Test
    void corruptAndUnknownInputsAreTypedErrorsNamingTheSource() throws IOException {
        SplittableRandom r = new SplittableRandom(9);
        byte[] noise = new byte[500];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (byte) r.nextInt(256);
        }
        assertThatThrownBy(() -> DECODER.decode(noise, "noise.bin"))
                .isInstanceOf(UnreadableImageException.class).hasMessageContaining("noise.bin");

        Path text = dir.resolve("notes.png");
        Files.writeString(text, "this is not an image", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DECODER.decode(text))
                .isInstanceOf(UnreadableImageException.class).hasMessageContaining("notes.png");

        byte[] png = PngWriter.encode(SyntheticImages.image8(Kind.NOISE, 80, 80, 10));
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> DECODER.decode(truncated, "truncated.png"))
                .isInstanceOf(UnreadableImageException.class).hasMessageContaining("truncated.png");

        byte[] jpeg = encode(rgb(64, 64, BufferedImage.TYPE_3BYTE_BGR, 11), "jpg");
        byte[] brokenJpeg = Arrays.copyOf(jpeg, 40);
        assertThatThrownBy(() -> DECODER.decode(brokenJpeg, "broken.jpg"))
                .isInstanceOf(UnreadableImageException.class).hasMessageContaining("broken.jpg");

        assertThatThrownBy(() -> DECODER.decode(new byte[0], "empty.png"))
                .isInstanceOf(UnreadableImageException.class).hasMessageContaining("empty.png");

        Path missing = dir.resolve("missing.png");
        assertThatThrownBy(() -> DECODER.decode(missing))
                .isInstanceOf(UnreadableImageException.class).hasMessageContaining("missing.png").hasMessageContaining("no such file");
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThatThrownBy(() -> ImageDecoder.builder().optMaxPixels(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ImageDecoder.create().maxPixels()).isEqualTo(ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    /** A syntactically valid PNG signature, IHDR (8-bit grey) and IEND, with no image data. */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        out.writeBytes(chunk("IHDR", ihdr.array()));
        out.writeBytes(chunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    private static byte[] chunk(String type, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(12 + data.length);
        b.putInt(data.length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        b.put(typeBytes).put(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        b.putInt((int) crc.getValue());
        return b.array();
    }
}
