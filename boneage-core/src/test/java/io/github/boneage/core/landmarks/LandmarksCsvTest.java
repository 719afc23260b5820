package io.github.boneage.core.landmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.testing.TestHands;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LandmarksCsvTest {

    private static final String HEADER =
            "id,thumb_x,thumb_y,index_x,index_y,middle_x,middle_y,ring_x,ring_y,little_x,little_y,radius_x,radius_y,ulna_x,ulna_y";
    private static final String TIPS =
            ",tip_thumb_x,tip_thumb_y,tip_index_x,tip_index_y,tip_middle_x,tip_middle_y,tip_ring_x,tip_ring_y,tip_little_x,tip_little_y";
    private static final String ROW_4200 = "4200,215.9,161.9,176.9,133.7,143.6,132.4,115.4,139.7,90.9,148.7,144.7,234.3,111.4,230.7";
    private static final String ROW_4201 = "4201,238.5,143.6,199.1,112.9,159.0,111.1,126.5,119.0,95.7,126.4,163.0,212.4,120.8,221.8";
    private static final String TIP_CELLS = ",230,60,190,20,150,10,110,25,80,60";
    private static final String NO_TIP_CELLS = ",,,,,,,,,,";

    private static LandmarksTable read(String text) throws IOException {
        return LandmarksCsv.read(new StringReader(text), "lm.csv");
    }

    private static InputFormatException readError(String text) {
        return (InputFormatException) catchThrowable(() -> read(text));
    }

    @Test
    void theColumnConstantsAreTheDocumentedHeader() {
        assertThat(String.join(",", LandmarksCsv.REQUIRED_COLUMNS)).isEqualTo(HEADER);
        assertThat("," + String.join(",", LandmarksCsv.FINGERTIP_COLUMNS)).isEqualTo(TIPS);
    }

    @Test
    void readsRowsKeyedByIdWithTheirLines() throws IOException {
        LandmarksTable t = read(HEADER + "\n" + ROW_4200 + "\n\n" + ROW_4201 + "\n");
        assertThat(t.ids()).containsExactly("4200", "4201");
        assertThat(t.entry("4200").orElseThrow().line()).isEqualTo(2);
        assertThat(t.entry("4201").orElseThrow().line()).as("blank line 3 still counts").isEqualTo(4);
        HandLandmarks lm = t.get("4200").orElseThrow();
        assertThat(lm.point(ReferencePoint.THUMB)).isEqualTo(new Point(215.9, 161.9));
        assertThat(lm.point(ReferencePoint.RING)).isEqualTo(new Point(115.4, 139.7));
        assertThat(lm.point(ReferencePoint.ULNA)).isEqualTo(new Point(111.4, 230.7));
        assertThat(lm.hasFingertips()).isFalse();
        assertThat(t.get("9999")).isEmpty();
        assertThat(t.source()).isEqualTo("lm.csv");
    }

    @Test
    void acceptsCrLfAByteOrderMarkAndSpacesAroundCells() throws IOException {
        LandmarksTable t = read("\uFEFF" + HEADER + "\r\n" + ROW_4200.replace(",", " , ") + "\r\n");
        assertThat(t.get("4200").orElseThrow().point(ReferencePoint.INDEX)).isEqualTo(new Point(176.9, 133.7));
    }

    @Test
    void readsFingertipsAndRowsWithoutThem() throws IOException {
        LandmarksTable t = read(HEADER + TIPS + "\n" + ROW_4200 + TIP_CELLS + "\n" + ROW_4201 + NO_TIP_CELLS + "\n");
        assertThat(t.get("4200").orElseThrow().fingertip(Finger.RING)).contains(new Point(110, 25));
        assertThat(t.get("4201").orElseThrow().hasFingertips()).isFalse();
        assertThat(t.hasFingertips()).isTrue();
    }

    @Test
    void someEmptyFingertipCellsAreAnError() {
        String partial = ",230,60,190,20,150,10,,,80,60";
        InputFormatException e = readError(HEADER + TIPS + "\n" + ROW_4200 + partial + "\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.field()).contains("tip_ring_x");
        assertThat(e).hasMessageContaining("all five fingertips");
    }

    @Test
    void missingColumnsAreNamed() {
        InputFormatException e = readError(HEADER.replace(",ring_x,ring_y", "") + "\n");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e).hasMessageContaining("missing column(s) ring_x, ring_y");
    }

    @Test
    void unknownColumnsAreNamed() {
        InputFormatException e = readError(HEADER.replace("ulna_x", "ulnar_x") + "\n");
        assertThat(e).hasMessageContaining("missing column(s) ulna_x").hasMessageContaining("unknown column(s) ulnar_x");
        assertThat(readError(HEADER + ",notes\n")).hasMessageContaining("unknown column(s) notes");
        assertThat(readError(HEADER.replace("id,", "ID,") + "\n")).hasMessageContaining("unknown column(s) ID");
    }

    @Test
    void misorderedColumnsAreNamed() {
        String swapped = HEADER.replace("ring_x,ring_y,little_x,little_y", "little_x,little_y,ring_x,ring_y");
        InputFormatException e = readError(swapped + "\n");
        assertThat(e).hasMessageContaining("column 8 is little_x but must be ring_x");
        String xy = HEADER.replace("thumb_x,thumb_y", "thumb_y,thumb_x");
        assertThat(readError(xy + "\n")).hasMessageContaining("column 2 is thumb_y but must be thumb_x");
    }

    @Test
    void partialFingertipColumnsAreMissingColumns() {
        InputFormatException e = readError(HEADER + ",tip_thumb_x,tip_thumb_y\n");
        assertThat(e).hasMessageContaining("missing column(s) tip_index_x, tip_index_y");
    }

    @Test
    void repeatedColumnsAreNamed() {
        assertThat(readError(HEADER + ",ulna_y\n")).hasMessageContaining("repeated column(s) ulna_y");
    }

    @Test
    void badNumbersNameLineAndColumn() {
        InputFormatException e = readError(HEADER + "\n" + ROW_4200 + "\n" + ROW_4201.replace("126.5", "12x6.5") + "\n");
        assertThat(e).hasMessage("lm.csv, line 3, column ring_x: '12x6.5' is not a decimal number");
        assertThat(readError(HEADER + "\n" + ROW_4200.replace("230.7", "NaN") + "\n"))
                .hasMessageContaining("column ulna_y");
        assertThat(readError(HEADER + "\n" + ROW_4200.replace("230.7", "1e999") + "\n"))
                .hasMessageContaining("not a finite number");
        assertThat(readError(HEADER + "\n" + ROW_4200.replace("215.9", "") + "\n"))
                .hasMessageContaining("column thumb_x: the cell is empty");
        assertThat(readError(HEADER + "\n" + ROW_4200.replace("215.9", "215.9f") + "\n"))
                .hasMessageContaining("column thumb_x");
    }

    @Test
    void scientificAndSignedNumbersAreRead() throws IOException {
        LandmarksTable t = read(HEADER + "\n" + ROW_4200.replace("215.9", "2.159E2").replace("161.9", "+161.9") + "\n");
        assertThat(t.get("4200").orElseThrow().point(ReferencePoint.THUMB)).isEqualTo(new Point(215.9, 161.9));
    }

    @Test
    void duplicateIdsNameBothLines() {
        InputFormatException e = readError(HEADER + "\n" + ROW_4200 + "\n" + ROW_4201 + "\n" + ROW_4200 + "\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.field()).contains("id");
        assertThat(e).hasMessageContaining("duplicate image id '4200' (first on line 2)");
    }

    @Test
    void emptyIdsAndShortRowsAreErrors() {
        assertThat(readError(HEADER + "\n" + ROW_4200.replace("4200", "") + "\n")).hasMessageContaining("line 2, column id");
        InputFormatException e = readError(HEADER + "\n" + ROW_4200.replace(",230.7", "") + "\n");
        assertThat(e).hasMessageContaining("line 2").hasMessageContaining("14 cells but the header has 15 columns");
    }

    @Test
    void aFileThatIsNotUtf8IsAnError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, (HEADER + "\n" + ROW_4200.replace("4200", "m\u00fcller") + "\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(catchThrowable(() -> LandmarksCsv.read(file))).isInstanceOf(InputFormatException.class)
                .hasMessageContaining("latin1.csv: not UTF-8 text");
    }

    @Test
    void badQuotingIsAnError() {
        InputFormatException e = readError(HEADER + "\n\"4200,215.9\n");
        assertThat(e).hasMessageStartingWith("lm.csv: not valid CSV");
    }

    @Test
    void emptyFileIsAnError() {
        assertThat(readError("")).hasMessageContaining("empty");
    }

    @Test
    void forImageChecksPointsAgainstTheImageSize() throws IOException {
        String outside = ROW_4201.replace("126.5", "312.0");
        LandmarksTable t = read(HEADER + "\n" + ROW_4200 + "\n" + outside + "\n");
        assertThat(t.forImage("4200", 299, 299)).isPresent();
        assertThat(t.forImage("nope", 299, 299)).isEmpty();
        InputFormatException e = (InputFormatException) catchThrowable(
                () -> t.forImage("4201", 299, 299));
        assertThat(e).hasMessage("lm.csv, line 3, column ring_x: x=312.0 is outside the 299x299 image");
        assertThat(t.forImage("4201", 400, 299)).isPresent();
        // y of radius in row 4200 is 234.3
        assertThat(catchThrowable(() -> t.forImage("4200", 299, 234)))
                .hasMessage("lm.csv, line 2, column radius_y: y=234.3 is outside the 299x234 image");
        assertThatThrownBy(() -> t.forImage("4200", 0, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forImageOfATableBuiltInMemoryNamesTheImage() {
        LandmarksTable t = LandmarksTable.of("detector", Map.of("a", TestHands.upright()));
        assertThat(catchThrowable(() -> t.forImage("a", 299, 299)))
                .hasMessage("detector, column thumb_x: x=300.0 is outside the 299x299 image (image a)");
    }

    @Test
    void writeThenReadGivesTheSameTable(@TempDir Path dir) throws IOException {
        Map<String, HandLandmarks> byId = new LinkedHashMap<>();
        byId.put("b-2", TestHands.uprightWithTips().scaled(0.123456789, 1.0 / 3));
        byId.put("a,1", TestHands.upright().translated(-0.5, 1e-7));
        byId.put("c", TestHands.upright().scaled(1e6, 1));
        LandmarksTable original = LandmarksTable.of("memory", byId);
        Path file = dir.resolve("lm.csv");
        LandmarksCsv.write(original, file);
        LandmarksTable back = LandmarksCsv.read(file);
        assertThat(back.ids()).containsExactly("b-2", "a,1", "c");
        for (String id : byId.keySet()) {
            assertThat(back.get(id)).contains(byId.get(id));
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo(HEADER + TIPS);
        assertThat(lines.get(2)).as("no fingertips: empty cells").endsWith(NO_TIP_CELLS);
        assertThat(lines.get(3)).as("plain decimals, no exponent").doesNotContain("E");
    }

    @Test
    void writesNoFingertipColumnsWhenNoEntryHasThem() throws IOException {
        LandmarksTable t = read(HEADER + "\n" + ROW_4200 + "\n" + ROW_4201 + "\n");
        StringWriter out = new StringWriter();
        LandmarksCsv.write(t, out);
        assertThat(out.toString()).isEqualTo(HEADER + "\n" + ROW_4200 + "\n" + ROW_4201 + "\n");
    }

    @Test
    void tablesRefuseDuplicateIds() {
        LandmarksTable.Entry a = new LandmarksTable.Entry("x", 0, TestHands.upright());
        assertThatThrownBy(() -> LandmarksTable.of("memory", List.of(a, a)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
        assertThatThrownBy(() -> new LandmarksTable.Entry(" ", 0, TestHands.upright()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
