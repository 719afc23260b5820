package io.github.boneage.preprocess.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.NotARegularFileException;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The decoder's refusals of hostile input (issue #11): truncation, low bit depth, size, aspect, memory, non-files. */
class ImageDecoderHardeningTest {

    private static final ImageDecoder DECODER = ImageDecoder.create();

    @TempDir
    Path dir;

    /** A 128 x 160 hand-like picture with structure everywhere, so that every cut point loses real data. */
    private static BufferedImage picture(int w, int h, int type) {
        BufferedImage bi = new BufferedImage(w, h, type);
        WritableRaster r = bi.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (x * 7 + y * 3 + ((x / 9 + y / 13) % 2) * 90) & 0xFF;
                for (int b = 0; b < r.getNumBands(); b++) {
                    r.setSample(x, y, b, b == 0 ? v : (v + 40 * b) & 0xFF);
                }
            }
        }
        return bi;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }

    @Test
    void everyCutOfAJpegIsRefusedNeverPadded() throws IOException {
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR}) {
            byte[] jpeg = encode(picture(128, 160, type), "jpg");
            assertThat(DECODER.decode(jpeg, "whole.jpg").width()).isEqualTo(128);
            for (int i = 1; i <= 40; i++) {
                int cut = (int) ((long) jpeg.length * i / 41);
                byte[] part = Arrays.copyOf(jpeg, cut);
                Throwable t = catchThrowable(() -> DECODER.decode(part, "cut" + cut + ".jpg"));
                assertThat(t).as("JPEG of %d bytes cut at %d", jpeg.length, cut)
                        .isInstanceOf(UnreadableImageException.class).hasMessageContaining("cut" + cut + ".jpg");
            }
            // Only the end-of-image marker missing: the codec warns, the decoder refuses.
            byte[] noEoi = Arrays.copyOf(jpeg, jpeg.length - 2);
            assertThatThrownBy(() -> DECODER.decode(noEoi, "no-eoi.jpg")).isInstanceOf(UnreadableImageException.class);
        }
    }

    @Test
    void jpegCutInTheScanDataIsATruncation() throws IOException {
        byte[] jpeg = encode(picture(128, 160, BufferedImage.TYPE_BYTE_GRAY), "jpg");
        byte[] half = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> DECODER.decode(half, "half.jpg")).isInstanceOf(TruncatedImageException.class)
                .hasMessageContaining("half.jpg").hasMessageContaining("truncated");
    }

    @Test
    void everyCutOfAPngIsATruncation() throws IOException {
        byte[] png = encode(picture(128, 160, BufferedImage.TYPE_BYTE_GRAY), "png");
        for (int cut = 33; cut < png.length; cut += Math.max(1, png.length / 60)) {
            int at = cut;
            assertThatThrownBy(() -> DECODER.decode(Arrays.copyOf(png, at), "cut.png")).as("PNG cut at %d", at)
                    .isInstanceOf(TruncatedImageException.class);
        }
        // Only IEND missing: the pixels would decode, but the file is not whole.
        assertThatThrownBy(() -> DECODER.decode(Arrays.copyOf(png, png.length - 12), "no-iend.png"))
                .isInstanceOf(TruncatedImageException.class).hasMessageContaining("IEND");
    }

    @Test
    void aFlippedByteInAPngFailsItsCrc() throws IOException {
        byte[] png = encode(picture(128, 160, BufferedImage.TYPE_BYTE_GRAY), "png");
        png[png.length / 2] ^= 0x10;
        assertThatThrownBy(() -> DECODER.decode(png, "flipped.png")).isInstanceOf(UnreadableImageException.class)
                .hasMessageContaining("CRC");
    }

    @Test
    void lowBitDepthsAreRefused() throws IOException {
        for (int type : new int[] {BufferedImage.TYPE_BYTE_BINARY}) {
            byte[] png = encode(picture(128, 128, type), "png");
            assertThatThrownBy(() -> DECODER.decode(png, "bilevel.png")).isInstanceOf(UnsuitableImageException.class)
                    .hasMessageContaining("bilevel.png").hasMessageContaining("1-bit");
        }
    }

    @Test
    void smallAndElongatedImagesAreRefusedAtTheStatedLimits() throws IOException {
        byte[] tiny = encode(picture(32, 32, BufferedImage.TYPE_BYTE_GRAY), "png");
        assertThatThrownBy(() -> DECODER.decode(tiny, "tiny.png")).isInstanceOf(UnsuitableImageException.class)
                .hasMessageContaining("32x32").hasMessageContaining("64 px");
        assertThat(DECODER.decode(encode(picture(64, 64, BufferedImage.TYPE_BYTE_GRAY), "png"), "edge.png").width()).isEqualTo(64);
        assertThat(DECODER.decode(encode(picture(299, 299, BufferedImage.TYPE_BYTE_GRAY), "jpg"), "rsna.jpg").width()).isEqualTo(299);

        byte[] strip = encode(picture(64, 64 * 9, BufferedImage.TYPE_BYTE_GRAY), "png");
        assertThatThrownBy(() -> DECODER.decode(strip, "strip.png")).isInstanceOf(UnsuitableImageException.class)
                .hasMessageContaining("64x576").hasMessageContaining("9.0 : 1");
        assertThat(DECODER.decode(encode(picture(64, 512, BufferedImage.TYPE_BYTE_GRAY), "png"), "eight.png").height()).isEqualTo(512);
    }

    @Test
    void theMemoryBudgetCountsBytesNotPixels() throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {16, 16, 16, 16},
                true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        BufferedImage rgba16 = new BufferedImage(cm, cm.createCompatibleWritableRaster(200, 150), false, null);
        byte[] png = encode(rgba16, "png");
        // 30000 pixels x (8 stored + 4 working + 2 output) = 420000 bytes, plus the file
        long needed = png.length + 30_000L * 14;
        ImageDecoder tight = ImageDecoder.builder().optMaxDecodeBytes(needed - 1).build();
        ImageTooLargeException e = (ImageTooLargeException) catchThrowable(() -> tight.decode(png, "rgba16.png"));
        assertThat(e).hasMessageContaining("rgba16.png").hasMessageContaining("200x150").hasMessageContaining("4 x 16-bit");
        assertThat(e.bytes()).isEqualTo(needed);
        assertThat(e.maxBytes()).isEqualTo(needed - 1);
        assertThat(ImageDecoder.builder().optMaxDecodeBytes(needed).build().decode(png, "ok.png").bitDepth()).isEqualTo(16);
        // The same pixel count in 8-bit grey needs far less and passes the same budget.
        assertThat(tight.decode(encode(picture(200, 150, BufferedImage.TYPE_BYTE_GRAY), "png"), "grey.png")).isNotNull();
    }

    @Test
    void aFileLargerThanTheBudgetIsNotRead() throws IOException {
        Path big = dir.resolve("big.png");
        Files.write(big, new byte[4096]);
        assertThatThrownBy(() -> ImageDecoder.builder().optMaxDecodeBytes(4095).build().decode(big))
                .isInstanceOf(ImageTooLargeException.class).hasMessageContaining("4096 bytes");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void fifosAndFoldersAreRefusedWithoutOpeningThem() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("folder.png"));
        assertThatThrownBy(() -> DECODER.decode(folder)).isInstanceOf(NotARegularFileException.class)
                .hasMessageContaining("folder.png").hasMessageContaining("a folder");
        Path fifo = dir.resolve("pipe.png");
        assumeTrue(mkfifo(fifo), "mkfifo is not available");
        assertThatThrownBy(() -> DECODER.decode(fifo)).isInstanceOf(NotARegularFileException.class)
                .isInstanceOf(InputFormatException.class).hasMessageContaining("pipe.png");
    }

    @Test
    void symlinksToRegularFilesAreRead() throws IOException {
        Path real = dir.resolve("real.png");
        Files.write(real, encode(picture(100, 100, BufferedImage.TYPE_BYTE_GRAY), "png"));
        Path link = dir.resolve("link.png");
        try {
            Files.createSymbolicLink(link, real);
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "symbolic links are not supported here");
        }
        GreyImage image = DECODER.decode(link);
        assertThat(image).isInstanceOf(GreyImage8.class);
        assertThat(image.width()).isEqualTo(100);
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> ImageDecoder.builder().optMaxDecodeBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageDecoder.builder().optMinSide(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageDecoder.builder().optMaxAspectRatio(0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageDecoder.builder().optMaxAspectRatio(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(DECODER.maxDecodeBytes()).isEqualTo(ImageDecoder.DEFAULT_MAX_DECODE_BYTES);
        assertThat(DECODER.minSide()).isEqualTo(ImageDecoder.DEFAULT_MIN_SIDE);
        assertThat(DECODER.maxAspectRatio()).isEqualTo(ImageDecoder.DEFAULT_MAX_ASPECT_RATIO);
    }

    /** Makes a FIFO with the system's mkfifo; false where there is none. */
    static boolean mkfifo(Path path) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
