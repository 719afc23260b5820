package io.github.boneage.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the fixtures written by {@code tools/make_dicom_fixtures.py} and checks every pixel against the formula the
 * script documents for that file.
 */
class DicomReaderTest {

    private static final int W = 64;
    private static final int H = 80;
    private final DicomReader reader = DicomReader.create();

    @TempDir
    Path tmp;

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = DicomReaderTest.class.getResourceAsStream("/dicom/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    DicomRadiograph read(String name) throws IOException {
        return reader.read(fixture(name), name);
    }

    static void assertPixels(GreyImage image, IntBinaryOperator expected) {
        assertThat(image.width()).isEqualTo(W);
        assertThat(image.height()).isEqualTo(H);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                assertThat(image.get(x, y)).as("pixel (%d, %d)", x, y).isEqualTo(expected.applyAsInt(x, y));
            }
        }
    }

    @Test
    void monochrome2At16BitsKeepsEveryStoredValue() throws IOException {
        DicomRadiograph r = read("mono2_16bit.dcm");
        assertThat(r.image()).isInstanceOf(GreyImage16.class);
        assertThat(r.image().bitDepth()).isEqualTo(16);
        assertThat(r.voiTransform()).isEqualTo(VoiTransform.NONE);
        assertPixels(r.image(), (x, y) -> (x * 1031 + y * 257) % 65536);
        assertThat(r.patientSex()).isEqualTo(Sex.FEMALE);
        assertThat(r.ageAtStudy()).contains(new AgeAtStudy(120, "PatientAge"));
        assertThat(r.pixelSpacing()).contains(new PixelSpacing(0.143, 0.15, "PixelSpacing"));
        assertThat(r.modality()).isEqualTo("DX");
        assertThat(r.transferSyntaxUid()).isEqualTo("1.2.840.10008.1.2.1");
        assertThat(r.warnings()).isEmpty();
        EstimationRequest request = r.toRequestBuilder().build();
        assertThat(request.image()).isSameAs(r.image());
        assertThat(request.sex()).isEqualTo(Sex.FEMALE);
        assertThat(request.chronologicalAgeMonths()).contains(120.0);
        assertThat(request.sourceId()).isEqualTo("mono2_16bit.dcm");
    }

    @Test
    void monochrome1At12BitsIsMaskedAndInvertedAndAgedFromItsDates() throws IOException {
        DicomRadiograph r = read("mono1_12bit.dcm");
        assertThat(r.image().bitDepth()).isEqualTo(12);
        assertPixels(r.image(), (x, y) -> 4095 - (x * 61 + y * 13) % 4096);
        assertThat(r.transferSyntaxUid()).isEqualTo("1.2.840.10008.1.2");
        assertThat(r.patientSex()).isEqualTo(Sex.MALE);
        // 2015-03-10 to 2024-09-25: 9 years 6 months 15 days
        assertThat(r.ageAtStudy().orElseThrow().months()).isCloseTo(114 + 15 / 30.4375, within(1e-9));
        assertThat(r.ageAtStudy().orElseThrow().derivedFrom()).isEqualTo("PatientBirthDate+StudyDate");
        assertThat(r.pixelSpacing()).contains(new PixelSpacing(0.1, 0.1, "ImagerPixelSpacing"));
        assertThat(r.modality()).isEqualTo("CR");
    }

    @Test
    void eightBitsBecomeAnEightBitImage() throws IOException {
        DicomRadiograph r = read("mono2_8bit.dcm");
        assertThat(r.image()).isInstanceOf(GreyImage8.class);
        assertPixels(r.image(), (x, y) -> (x * 3 + y * 2) % 256);
        assertThat(r.patientSex()).isEqualTo(Sex.UNKNOWN);
        assertThat(r.ageAtStudy()).contains(new AgeAtStudy(6, "PatientAge"));
        assertThat(r.pixelSpacing()).isEmpty();
    }

    /** The DICOM LINEAR window (PS3.3 C.11.2.1.2.1) on rescaled values, into 12 bits, then MONOCHROME1 inversion. */
    static int windowed(int stored) {
        double value = 2.0 * stored - 1000;
        double c = 1000;
        double w = 2001;
        double y;
        if (value <= c - 0.5 - (w - 1) / 2) {
            y = 0;
        } else if (value > c - 0.5 + (w - 1) / 2) {
            y = 4095;
        } else {
            y = ((value - (c - 0.5)) / (w - 1) + 0.5) * 4095;
        }
        return 4095 - (int) Math.round(y);
    }

    @Test
    void windowIsAppliedToRescaledValuesThenInverted() throws IOException {
        DicomRadiograph r = read("window_12bit_rescale.dcm");
        assertThat(r.voiTransform()).isEqualTo(VoiTransform.WINDOW);
        assertThat(r.image().bitDepth()).isEqualTo(12);
        assertPixels(r.image(), (x, y) -> windowed((x * 50 + y * 10) % 4096));
        // Hand-computed: stored 0 -> value -1000, below the window -> 0 -> inverted 4095; stored 1000 -> value 1000
        // -> (0.5 / 2000 + 0.5) * 4095 = 2048.52 -> 2049 -> 2046; stored 2000 -> value 3000, above -> 4095 -> 0.
        assertThat(windowed(0)).isEqualTo(4095);
        assertThat(windowed(1000)).isEqualTo(2046);
        assertThat(windowed(2000)).isZero();
        assertThat(r.image().get(0, 0)).isEqualTo(4095);
        assertThat(r.image().get(20, 0)).isEqualTo(2046);
        assertThat(r.image().get(40, 0)).isZero();
        assertThat(r.ageAtStudy()).contains(new AgeAtStudy(144, "PatientAge"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"voilut_16bit_signed.dcm", "voilut_implicit.dcm"})
    void voiLutWinsOverTheWindowAndMapsSignedValues(String name) throws IOException {
        DicomRadiograph r = read(name);
        assertThat(r.voiTransform()).isEqualTo(VoiTransform.VOI_LUT);
        assertThat(r.image().bitDepth()).isEqualTo(10);
        assertPixels(r.image(), (x, y) -> {
            int stored = (x * 37 + y * 29) % 2400 - 600;
            int index = Math.max(0, Math.min(2047, stored + 500));
            return (index * index) >> 12;
        });
        assertThat(r.ageAtStudy().orElseThrow().months()).isCloseTo(35 / 30.4375, within(1e-9));
    }

    @Test
    void sigmoidAndLinearExactWindows() throws IOException {
        DicomRadiograph sigmoid = read("window_sigmoid.dcm");
        assertThat(sigmoid.voiTransform()).isEqualTo(VoiTransform.WINDOW);
        assertPixels(sigmoid.image(), (x, y) ->
                (int) Math.round(4095 / (1 + Math.exp(-4 * ((x * 50 + y * 10) % 4096 - 2048) / 1000.0))));
        // hand-computed: stored 2050 (x = 41, y = 0) -> 4095 / (1 + e^-0.008) = 2055.69 -> 2056
        assertThat(sigmoid.image().get(41, 0)).isEqualTo(2056);

        DicomRadiograph exact = read("window_linear_exact.dcm");
        assertPixels(exact.image(), (x, y) -> {
            int v = (x * 50 + y * 10) % 4096;
            return v <= 750 ? 0 : v > 1250 ? 4095 : (int) Math.round(((v - 1000) / 500.0 + 0.5) * 4095);
        });
        // hand-computed: stored 1000 (x = 20) -> exactly half of 4095 -> 2047.5 -> 2048
        assertThat(exact.image().get(20, 0)).isEqualTo(2048);
    }

    @Test
    void negativeSlopeWithoutVoiReversesTheStoredValues() throws IOException {
        DicomRadiograph r = read("negative_slope_10bit.dcm");
        assertThat(r.voiTransform()).isEqualTo(VoiTransform.NONE);
        assertThat(r.image().bitDepth()).isEqualTo(10);
        assertPixels(r.image(), (x, y) -> 1023 - (x * 7 + y * 11) % 1024);
    }

    @Test
    void colourImagesAreRefusedNamingTheAttribute() {
        assertThatThrownBy(() -> read("rgb.dcm")).isInstanceOfSatisfying(DicomFormatException.class,
                e -> assertThat(e.field()).contains("PhotometricInterpretation"))
                .hasMessageContaining("rgb.dcm").hasMessageContaining("RGB");
    }

    /** Frame 1 of a multi-frame file is read and the warning says so; frame 2 ({@code x * y}) is not mixed in. */
    @Test
    void multiFrameImagesGiveFrameOneWithAWarning() throws IOException {
        DicomRadiograph r = read("two_frames.dcm");
        assertPixels(r.image(), (x, y) -> (x + y) % 256);
        assertThat(r.warnings()).containsExactly("NumberOfFrames is 2: only frame 1 was read");
    }

    /**
     * Vendors' private sequences often arrive as UN of undefined length in explicit-VR files; their items are implicit
     * VR and must be skipped as such.
     */
    @Test
    void privateUnknownSequenceOfUndefinedLengthIsSkipped() throws IOException {
        byte[] file = fixture("mono2_8bit.dcm");
        int groupLength = (file[140] & 0xFF) | (file[141] & 0xFF) << 8;
        int dataStart = 132 + 12 + groupLength;
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(file, 0, dataStart);
        b.writeBytes(new byte[] {0x09, 0x00, 0x01, 0x10, 'U', 'N', 0, 0, -1, -1, -1, -1});
        b.writeBytes(new byte[] {-2, -1, 0x00, -32, -1, -1, -1, -1});
        b.writeBytes(new byte[] {0x09, 0x00, 0x02, 0x10, 4, 0, 0, 0, 'A', 'B', 'C', 'D'});
        b.writeBytes(new byte[] {-2, -1, 0x0D, -32, 0, 0, 0, 0});
        b.writeBytes(new byte[] {-2, -1, -35, -32, 0, 0, 0, 0});
        b.write(file, dataStart, file.length - dataStart);
        DicomRadiograph r = reader.read(b.toByteArray(), "private.dcm");
        assertPixels(r.image(), (x, y) -> (x * 3 + y * 2) % 256);
        assertThat(r.ageAtStudy()).contains(new AgeAtStudy(6, "PatientAge"));
    }

    @Test
    void bigEndianFilesAreRefusedByTransferSyntaxAndAnEmptyJpegByItsPixelData() throws IOException {
        // jpeg_baseline.dcm holds a JPEG of SOI and EOI only: the syntax is read now, the empty stream is refused.
        assertThatThrownBy(() -> read("jpeg_baseline.dcm")).isInstanceOfSatisfying(DicomFormatException.class,
                e -> assertThat(e.field()).contains("PixelData"))
                .hasMessageContaining("jpeg_baseline.dcm").hasMessageContaining("no frame header");
        assertThatThrownBy(() -> read("big_endian.dcm"))
                .isInstanceOf(UnsupportedTransferSyntaxException.class)
                .hasMessageContaining("1.2.840.10008.1.2.2").hasMessageContaining("Big Endian");
    }

    @Test
    void notDicomIsATypedErrorNamingTheFile() throws IOException {
        Path png = tmp.resolve("not-dicom.dcm");
        Files.write(png, "\u0089PNG this is not DICOM".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(DicomReader.isDicom(png)).isFalse();
        assertThatThrownBy(() -> reader.read(png))
                .isInstanceOf(DicomFormatException.class).hasMessageContaining("not-dicom.dcm").hasMessageContaining("DICM");
        assertThatThrownBy(() -> reader.read(tmp.resolve("absent.dcm")))
                .isInstanceOf(DicomFormatException.class).hasMessageContaining("absent.dcm");
    }

    @Test
    void truncatedFilesAreTypedErrorsNamingTheFile() throws IOException {
        byte[] whole = fixture("mono2_16bit.dcm");
        Path full = tmp.resolve("whole.dcm");
        Files.write(full, whole);
        assertThat(DicomReader.isDicom(full)).isTrue();
        // cut inside the pixel data, inside the header, and inside the meta group
        for (int keep : new int[] {whole.length - 100, 400, 140}) {
            Path cut = tmp.resolve("cut-" + keep + ".dcm");
            Files.write(cut, Arrays.copyOf(whole, keep));
            assertThatThrownBy(() -> reader.read(cut)).as("kept %d bytes", keep)
                    .isInstanceOf(DicomFormatException.class).hasMessageContaining(cut.toString());
        }
    }
}
