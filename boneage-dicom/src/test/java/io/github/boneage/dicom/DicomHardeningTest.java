package io.github.boneage.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.boneage.core.NotARegularFileException;
import io.github.boneage.dicom.impl.DicomParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The DICOM reader on hostile files (issue #11): deep nesting, lying lengths, pixel data that disagree, non-files. */
class DicomHardeningTest {

    private final DicomReader reader = DicomReader.create();

    @TempDir
    Path tmp;

    /** Where the data set starts: after the preamble, DICM and the meta group (whose length the first element gives). */
    private static int dataStart(byte[] file) {
        int groupLength = (file[140] & 0xFF) | (file[141] & 0xFF) << 8;
        return 132 + 12 + groupLength;
    }

    /** The fixture with {@code inserted} placed at the start of its data set. */
    private static byte[] withInserted(byte[] file, byte[] inserted) {
        int at = dataStart(file);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(file, 0, at);
        b.writeBytes(inserted);
        b.write(file, at, file.length - at);
        return b.toByteArray();
    }

    /** {@code depth} private sequences of undefined length, each holding one item of undefined length, nested. */
    static byte[] nestedSequences(int depth) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < depth; i++) {
            b.writeBytes(new byte[] {0x09, 0x00, 0x01, 0x10, 'S', 'Q', 0, 0, -1, -1, -1, -1});
            b.writeBytes(new byte[] {-2, -1, 0x00, -32, -1, -1, -1, -1});
        }
        for (int i = 0; i < depth; i++) {
            b.writeBytes(new byte[] {-2, -1, 0x0D, -32, 0, 0, 0, 0});
            b.writeBytes(new byte[] {-2, -1, -35, -32, 0, 0, 0, 0});
        }
        return b.toByteArray();
    }

    @Test
    void threeThousandNestedSequencesAreATypedErrorNotAStackOverflow() throws IOException {
        byte[] hostile = withInserted(DicomReaderTest.fixture("mono2_8bit.dcm"), nestedSequences(3000));
        assertThatThrownBy(() -> reader.read(hostile, "nested.dcm")).isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("nested.dcm").hasMessageContaining("nested more than " + DicomParser.MAX_SEQUENCE_DEPTH);
    }

    @Test
    void nestingUpToTheLimitIsRead() throws IOException {
        byte[] deep = withInserted(DicomReaderTest.fixture("mono2_8bit.dcm"), nestedSequences(DicomParser.MAX_SEQUENCE_DEPTH));
        assertThat(reader.read(deep, "deep.dcm").image().width()).isEqualTo(64);
        byte[] deeper = withInserted(DicomReaderTest.fixture("mono2_8bit.dcm"), nestedSequences(DicomParser.MAX_SEQUENCE_DEPTH + 1));
        assertThatThrownBy(() -> reader.read(deeper, "deeper.dcm")).isInstanceOf(DicomFormatException.class);
    }

    /** Offset of the value of an explicit-VR US element, found by its tag and VR bytes. */
    private static int usValueOffset(byte[] file, int group, int element) {
        for (int i = dataStart(file); i + 10 <= file.length; i++) {
            if ((file[i] & 0xFF) == (group & 0xFF) && (file[i + 1] & 0xFF) == group >> 8 && (file[i + 2] & 0xFF) == (element & 0xFF)
                    && (file[i + 3] & 0xFF) == element >> 8 && file[i + 4] == 'U' && file[i + 5] == 'S') {
                return i + 8;
            }
        }
        throw new AssertionError("no US element (" + group + "," + element + ")");
    }

    @Test
    void rowsThatUnderstateThePixelDataAreATypedErrorNotACrop() throws IOException {
        byte[] file = DicomReaderTest.fixture("mono2_8bit.dcm");
        int rows = usValueOffset(file, 0x0028, 0x0010);
        file[rows] = 79; // 80 rows stored, 79 declared
        byte[] understated = file.clone();
        assertThatThrownBy(() -> reader.read(understated, "rows.dcm")).isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("rows.dcm").hasMessageContaining("Rows 79").hasMessageContaining("Columns 64")
                .hasMessageContaining("crop");
        file[rows] = 81;
        byte[] overstated = file.clone();
        assertThatThrownBy(() -> reader.read(overstated, "rows81.dcm")).isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("Rows 81").hasMessageContaining("truncated");
    }

    @Test
    void anElementLengthBeyondTheFileIsATypedError() throws IOException {
        // A private OB element claiming 4 GB minus 16 bytes, in a file of a few kilobytes.
        byte[] lying = withInserted(DicomReaderTest.fixture("mono2_8bit.dcm"),
                new byte[] {0x09, 0x00, 0x10, 0x10, 'O', 'B', 0, 0, -16, -1, -1, -1, 1, 2, 3, 4});
        assertThatThrownBy(() -> reader.read(lying, "lying.dcm")).isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("lying.dcm").hasMessageContaining("4294967280");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void fifosAndFoldersAreRefusedWithoutOpeningThem() throws Exception {
        Path folder = Files.createDirectory(tmp.resolve("folder.dcm"));
        assertThatThrownBy(() -> reader.read(folder)).isInstanceOf(NotARegularFileException.class).hasMessageContaining("folder.dcm");
        assertThat(DicomReader.isDicom(folder)).isFalse();
        Path fifo = tmp.resolve("pipe.dcm");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo is not available");
        assertThat(DicomReader.isDicom(fifo)).isFalse();
        assertThatThrownBy(() -> reader.read(fifo)).isInstanceOf(NotARegularFileException.class).hasMessageContaining("pipe.dcm");
    }
}
