package io.github.boneage.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.dicom.impl.DicomParser;
import io.github.boneage.dicom.impl.PixelDecoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compressed transfer syntaxes (issue #14): each file written by {@code tools/make_dicom_compressed_fixtures.sh}
 * (DCMTK) decodes to the same presentation pixels as the uncompressed file it was made from (lossless syntaxes), or
 * within a stated tolerance (JPEG Baseline, JPEG-LS near-lossless); corrupt and hostile encapsulated data are refused
 * with typed errors.
 */
class CompressedDicomTest {

    private final DicomReader reader = DicomReader.create();

    static byte[] compressed(String name) throws IOException {
        try (InputStream in = CompressedDicomTest.class.getResourceAsStream("/dicom/compressed/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private DicomRadiograph read(String name) throws IOException {
        return reader.read(compressed(name), name);
    }

    private DicomRadiograph source(String name) throws IOException {
        return reader.read(DicomReaderTest.fixture(name), name);
    }

    /** Largest absolute difference between two images of the same size and depth. */
    private static int maxDifference(GreyImage a, GreyImage b) {
        assertThat(a.width()).isEqualTo(b.width());
        assertThat(a.height()).isEqualTo(b.height());
        assertThat(a.bitDepth()).isEqualTo(b.bitDepth());
        int max = 0;
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                max = Math.max(max, Math.abs(a.get(x, y) - b.get(x, y)));
            }
        }
        return max;
    }

    private static double meanDifference(GreyImage a, GreyImage b) {
        double sum = 0;
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                sum += Math.abs(a.get(x, y) - b.get(x, y));
            }
        }
        return sum / (a.width() * a.height());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "jpeg_lossless_sv1_16bit.dcm, mono2_16bit.dcm, 1.2.840.10008.1.2.4.70",
        "jpeg_lossless_sv7_mono1_12bit.dcm, mono1_12bit.dcm, 1.2.840.10008.1.2.4.57",
        "jpeg_lossless_sv4_signed.dcm, voilut_16bit_signed.dcm, 1.2.840.10008.1.2.4.57",
        "jpegls_lossless_16bit.dcm, mono2_16bit.dcm, 1.2.840.10008.1.2.4.80",
        "jpegls_lossless_mono1_12bit.dcm, mono1_12bit.dcm, 1.2.840.10008.1.2.4.80",
        "jpegls_lossless_8bit.dcm, mono2_8bit.dcm, 1.2.840.10008.1.2.4.80",
        "jpegls_lossless_signed.dcm, voilut_16bit_signed.dcm, 1.2.840.10008.1.2.4.80",
        "rle_8bit.dcm, mono2_8bit.dcm, 1.2.840.10008.1.2.5",
        "rle_signed.dcm, voilut_16bit_signed.dcm, 1.2.840.10008.1.2.5",
        "rle_mono1_12bit.dcm, mono1_12bit.dcm, 1.2.840.10008.1.2.5",
        "deflated_mono1_12bit.dcm, mono1_12bit.dcm, 1.2.840.10008.1.2.1.99",
        "deflated_window_12bit.dcm, window_12bit_rescale.dcm, 1.2.840.10008.1.2.1.99",
    })
    void losslessSyntaxesGiveExactlyTheUncompressedPixels(String file, String original, String syntax) throws IOException {
        DicomRadiograph r = read(file);
        DicomRadiograph o = source(original);
        assertThat(r.transferSyntaxUid()).isEqualTo(syntax);
        assertThat(maxDifference(r.image(), o.image())).isZero();
        assertThat(r.voiTransform()).isEqualTo(o.voiTransform());
        assertThat(r.patientSex()).isEqualTo(o.patientSex());
        assertThat(r.ageAtStudy()).isEqualTo(o.ageAtStudy());
        assertThat(r.pixelSpacing()).isEqualTo(o.pixelSpacing());
        assertThat(r.warnings()).isEqualTo(o.warnings());
    }

    /**
     * The phantom (flat background and discs, a gradient, a noise patch, one bright line; 12 of 16 bits, MONOCHROME1)
     * drives JPEG-LS through run mode and run interruption samples, and RLE through long runs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"phantom_jpegls_lossless.dcm", "phantom_jpeg_lossless_sv6.dcm", "phantom_rle.dcm"})
    void phantomWithFlatAreasDecodesExactly(String file) throws IOException {
        DicomRadiograph r = read(file);
        DicomRadiograph o = read("phantom_12bit.dcm");
        assertThat(o.image().get(0, 0)).as("background, inverted").isEqualTo(4095 - 300);
        assertThat(o.image().get(30, 40)).as("disc, inverted").isEqualTo(4095 - 2500);
        assertThat(maxDifference(r.image(), o.image())).isZero();
    }

    @Test
    void phantomJpegLsNearLosslessStaysWithinNear() throws IOException {
        GreyImage near = read("phantom_jpegls_near3.dcm").image();
        GreyImage exact = read("phantom_12bit.dcm").image();
        assertThat(maxDifference(near, exact)).isLessThanOrEqualTo(3);
        assertThat(near.get(0, 0)).as("a flat area within NEAR").isBetween(4095 - 303, 4095 - 297);
    }

    /**
     * MONOCHROME1 stays inverted after decoding: mono1_12bit stores {@code (61x + 13y) mod 4096} under junk high bits
     * (see DicomReaderTest), and bone must come out bright, i.e. {@code 4095 - stored}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jpeg_lossless_sv7_mono1_12bit.dcm", "jpegls_lossless_mono1_12bit.dcm", "rle_mono1_12bit.dcm",
        "deflated_mono1_12bit.dcm"})
    void compressedMonochrome1IsInverted(String file) throws IOException {
        DicomRadiograph r = read(file);
        DicomRadiograph o = source("mono1_12bit.dcm");
        assertThat(r.image().bitDepth()).isEqualTo(12);
        DicomReaderTest.assertPixels(r.image(), (x, y) -> 4095 - (x * 61 + y * 13) % 4096);
        assertThat(maxDifference(r.image(), o.image())).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpeg_lossless_two_frames.dcm", "rle_two_frames.dcm"})
    void multiFrameFilesGiveFrameOneWithAWarning(String file) throws IOException {
        DicomRadiograph r = read(file);
        DicomRadiograph o = source("two_frames.dcm");
        assertThat(maxDifference(r.image(), o.image())).isZero();
        DicomReaderTest.assertPixels(r.image(), (x, y) -> (x + y) % 256);
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("NumberOfFrames is 2").contains("frame 1"));
    }

    /**
     * JPEG-LS near-lossless with NEAR = 2 (the DCMTK default written by the script): every stored value within 2, and
     * without a VOI the presentation values are the stored values shifted, so within 2 as well.
     */
    @Test
    void jpegLsNearLosslessStaysWithinNear() throws IOException {
        DicomRadiograph r = read("jpegls_near2_16bit.dcm");
        assertThat(r.transferSyntaxUid()).isEqualTo("1.2.840.10008.1.2.4.81");
        assertThat(maxDifference(r.image(), source("mono2_16bit.dcm").image())).isLessThanOrEqualTo(2);
    }

    /**
     * Lossy 8-bit DCT JPEG through the JDK's decoder: identical to DCMTK's own decoding of the same file (IJG, written
     * by {@code dcmdjpeg}), and close to the original. The source pattern {@code (3x + 2y) mod 256} has sharp wraps from
     * 255 to 0, the worst case for a DCT; at DCMTK's default quality 90 it costs a mean absolute error of 0.36 and a
     * maximum of 11 grey levels (measured), hence the tolerances 1 and 16.
     */
    @ParameterizedTest
    @CsvSource({"jpeg_baseline_8bit.dcm, 1.2.840.10008.1.2.4.50", "jpeg_extended_8bit.dcm, 1.2.840.10008.1.2.4.51"})
    void eightBitDctJpegMatchesTheReferenceDecoderAndIsCloseToTheOriginal(String file, String syntax) throws IOException {
        DicomRadiograph r = read(file);
        assertThat(r.transferSyntaxUid()).isEqualTo(syntax);
        assertThat(r.image().bitDepth()).isEqualTo(8);
        assertThat(maxDifference(r.image(), read("jpeg_baseline_8bit_dcmdjpeg.dcm").image())).isZero();
        DicomRadiograph o = source("mono2_8bit.dcm");
        assertThat(meanDifference(r.image(), o.image())).isLessThan(1.0);
        assertThat(maxDifference(r.image(), o.image())).isLessThanOrEqualTo(16);
    }

    @Test
    void twelveBitJpegExtendedIsRefusedByName() throws IOException {
        assertThatThrownBy(() -> read("jpeg_extended_12bit.dcm"))
                .isInstanceOfSatisfying(UnsupportedTransferSyntaxException.class,
                        e -> assertThat(e.transferSyntaxUid()).isEqualTo("1.2.840.10008.1.2.4.51"))
                .hasMessageContaining("jpeg_extended_12bit.dcm").hasMessageContaining("12-bit");
    }

    // ---- hostile and corrupt encapsulated data ----

    /** Position of the first occurrence of {@code pattern} at or after {@code from}. */
    static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }

    private static final byte[] PIXEL_DATA_TAG = {(byte) 0xE0, 0x7F, 0x10, 0x00};
    private static final byte[] ITEM_TAG = {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0};

    /** Position of the first fragment item (after the Basic Offset Table item). */
    private static int firstFragment(byte[] file) {
        int pixelData = indexOf(file, PIXEL_DATA_TAG, 132 + 12);
        int table = pixelData + 12;
        int tableLength = (file[table + 4] & 0xFF) | (file[table + 5] & 0xFF) << 8;
        return table + 8 + tableLength;
    }

    private static void putU32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >> (8 * i));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpeg_lossless_sv1_16bit.dcm", "jpegls_lossless_16bit.dcm", "rle_8bit.dcm", "jpeg_baseline_8bit.dcm"})
    void fragmentLengthBeyondTheFileIsRefused(String file) throws IOException {
        byte[] b = compressed(file);
        putU32(b, firstFragment(b) + 4, b.length);
        assertThatThrownBy(() -> reader.read(b, "long-fragment.dcm")).isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("long-fragment.dcm").hasMessageContaining("fragment 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpeg_lossless_sv1_16bit.dcm", "jpegls_lossless_16bit.dcm", "rle_signed.dcm",
        "jpeg_baseline_8bit.dcm"})
    void truncatedFragmentIsRefused(String file) throws IOException {
        byte[] b = compressed(file);
        int fragment = firstFragment(b);
        long length = (b[fragment + 4] & 0xFFL) | (b[fragment + 5] & 0xFFL) << 8 | (b[fragment + 6] & 0xFFL) << 16;
        // Keep the first third of the fragment, then end the sequence properly: a well-formed file whose frame is cut.
        int keep = (int) (length / 3) & ~1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, fragment + 8 + keep);
        out.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0});
        byte[] cut = out.toByteArray();
        putU32(cut, fragment + 4, keep);
        assertThatThrownBy(() -> reader.read(cut, "cut-frame.dcm")).isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("cut-frame.dcm");
    }

    /** Rows one less than the frame: a decoded size that disagrees with Rows x Columns is refused, never cropped. */
    @ParameterizedTest
    @ValueSource(strings = {"jpeg_lossless_sv1_16bit.dcm", "jpegls_lossless_16bit.dcm", "rle_signed.dcm",
        "jpeg_baseline_8bit.dcm"})
    void decodedSizeOtherThanRowsTimesColumnsIsRefused(String file) throws IOException {
        byte[] b = compressed(file);
        int rows = indexOf(b, new byte[] {0x28, 0x00, 0x10, 0x00, 'U', 'S', 2, 0}, 132);
        assertThat(b[rows + 8]).isEqualTo((byte) 80);
        b[rows + 8] = 79;
        assertThatThrownBy(() -> reader.read(b, "rows.dcm")).isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("rows.dcm");
    }

    @Test
    void tooManyFragmentsAreRefused() throws IOException {
        byte[] b = compressed("rle_8bit.dcm");
        int fragment = firstFragment(b);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, fragment);
        for (int i = 0; i <= DicomParser.MAX_FRAGMENTS; i++) {
            out.writeBytes(ITEM_TAG);
            out.writeBytes(new byte[4]);
        }
        out.write(b, fragment, b.length - fragment);
        assertThatThrownBy(() -> reader.read(out.toByteArray(), "fragments.dcm")).isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("more than " + DicomParser.MAX_FRAGMENTS + " pixel data fragments");
    }

    @Test
    void hugeDeclaredSizeIsRefusedBeforeDecoding() throws IOException {
        byte[] b = compressed("rle_8bit.dcm");
        int rows = indexOf(b, new byte[] {0x28, 0x00, 0x10, 0x00, 'U', 'S', 2, 0}, 132);
        int columns = indexOf(b, new byte[] {0x28, 0x00, 0x11, 0x00, 'U', 'S', 2, 0}, 132);
        b[rows + 8] = -1;
        b[rows + 9] = -1;
        b[columns + 8] = -1;
        b[columns + 9] = -1;
        assertThatThrownBy(() -> reader.read(b, "huge.dcm")).isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("more than the " + PixelDecoding.MAX_PIXELS);
    }

    @Test
    void rleSegmentCountMustMatchTheSampleSize() throws IOException {
        byte[] b = compressed("rle_8bit.dcm");
        putU32(b, firstFragment(b) + 8, 2);
        assertThatThrownBy(() -> reader.read(b, "segments.dcm")).isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("declares 2 segments");
    }

    /** A deflate bomb is refused as soon as it inflates past the budget, not after inflating all of it. */
    @Test
    void deflateBombIsRefusedAtTheBudget() throws IOException {
        byte[] file = compressed("deflated_mono1_12bit.dcm");
        assertThatThrownBy(() -> DicomParser.parse("small-budget.dcm", file, 10_000))
                .isInstanceOf(DicomFormatException.class).hasMessageContaining("small-budget.dcm")
                .hasMessageContaining("more than 10000 bytes").hasMessageContaining("deflate bomb");
        // 64 MiB of zeros deflate to about 64 KiB; a budget of 1 MiB stops it after the first chunks
        int at = DicomHardeningTestSupport.dataStart(file);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(new byte[64 << 20]);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(file, 0, at);
        byte[] chunk = new byte[1 << 16];
        while (!deflater.finished()) {
            out.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        byte[] bomb = out.toByteArray();
        assertThat(bomb.length).isLessThan(1 << 20);
        assertThatThrownBy(() -> DicomParser.parse("bomb.dcm", bomb, 1 << 20)).isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("deflate bomb");
    }

    @Test
    void truncatedDeflateStreamIsRefused() throws IOException {
        byte[] file = compressed("deflated_mono1_12bit.dcm");
        byte[] cut = Arrays.copyOf(file, file.length - 200);
        assertThatThrownBy(() -> reader.read(cut, "cut-deflate.dcm")).isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("cut-deflate.dcm");
    }

    /**
     * Random byte changes inside the compressed frame of every codec: each read either succeeds or fails with the
     * documented typed errors, never anything else (the fuzz target does this at scale; this is its cheap, seeded
     * cousin that runs in every build).
     */
    @ParameterizedTest
    @ValueSource(strings = {"jpeg_lossless_sv1_16bit.dcm", "jpeg_lossless_sv7_mono1_12bit.dcm", "jpegls_lossless_16bit.dcm",
        "jpegls_near2_16bit.dcm", "rle_signed.dcm", "jpeg_baseline_8bit.dcm", "deflated_mono1_12bit.dcm"})
    void corruptedFramesGiveOnlyTypedErrors(String file) throws IOException {
        byte[] original = compressed(file);
        Random random = new Random(14);
        int start = file.startsWith("deflated") ? DicomHardeningTestSupport.dataStart(original) : firstFragment(original) + 8;
        for (int trial = 0; trial < 300; trial++) {
            byte[] b = original.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                b[start + random.nextInt(b.length - start)] = (byte) random.nextInt(256);
            }
            try {
                reader.read(b, "mutated.dcm");
            } catch (BoneAgeException expected) {
                assertThat(expected).hasMessageContaining("mutated.dcm");
            }
        }
    }
}
