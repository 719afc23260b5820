package io.github.boneage.core.landmarks;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.impl.CsvTable;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Reads and writes the landmarks CSV: one row per image, pixel coordinates with the origin at the top-left corner of
 * the image, x to the right and y down. The header is exactly
 * {@code id,thumb_x,thumb_y,index_x,index_y,middle_x,middle_y,ring_x,ring_y,little_x,little_y,radius_x,radius_y,ulna_x,ulna_y},
 * optionally followed by the fingertip columns
 * {@code tip_thumb_x,tip_thumb_y,tip_index_x,tip_index_y,tip_middle_x,tip_middle_y,tip_ring_x,tip_ring_y,tip_little_x,tip_little_y}.
 * {@code id} is the image file name without extension. A row's fingertip cells are either all filled or all empty.
 * See {@code docs/landmarks.md}.
 */
public final class LandmarksCsv {

    /** Name of the image-id column. */
    public static final String ID_COLUMN = "id";

    /** The mandatory columns, in order: {@code id} and x, y of the seven reference points in {@link ReferencePoint} order. */
    public static final List<String> REQUIRED_COLUMNS;

    /** The optional fingertip columns, in order, following the required ones: x, y of each tip in {@link Finger} order. */
    public static final List<String> FINGERTIP_COLUMNS;

    /** Every column in full-header order, for naming a cell by its index. */
    private static final List<String> ALL_COLUMNS;

    static {
        List<String> required = new ArrayList<>();
        required.add(ID_COLUMN);
        for (ReferencePoint rp : ReferencePoint.values()) {
            required.add(rp.columnPrefix() + "_x");
            required.add(rp.columnPrefix() + "_y");
        }
        List<String> tips = new ArrayList<>();
        for (Finger f : Finger.values()) {
            tips.add(f.tipColumnPrefix() + "_x");
            tips.add(f.tipColumnPrefix() + "_y");
        }
        REQUIRED_COLUMNS = List.copyOf(required);
        FINGERTIP_COLUMNS = List.copyOf(tips);
        required.addAll(tips);
        ALL_COLUMNS = List.copyOf(required);
    }

    private LandmarksCsv() {
    }

    /**
     * Reads a landmarks file (UTF-8).
     *
     * @param file the CSV file
     * @return the table, in file order, each entry with its line
     * @throws IOException           if the file cannot be read
     * @throws InputFormatException naming the file, line and column when the header is not exactly the expected one
     *                               (missing, unknown, repeated or misordered columns are named), a cell is not a
     *                               finite number, an id is empty or repeated, or only some fingertip cells are filled
     */
    public static LandmarksTable read(Path file) throws IOException {
        return toTable(CsvTable.read(file));
    }

    /**
     * Reads landmarks CSV text (the reader is not closed).
     *
     * @param reader the text
     * @param source the name used in error messages
     * @return the table
     * @throws IOException           if the reader fails
     * @throws InputFormatException as for {@link #read(Path)}
     */
    public static LandmarksTable read(Reader reader, String source) throws IOException {
        return toTable(CsvTable.read(reader, source));
    }

    private static LandmarksTable toTable(CsvTable csv) {
        boolean withTips = checkHeader(csv.source(), csv.header());
        List<LandmarksTable.Entry> entries = new ArrayList<>(csv.rows().size());
        Map<String, Long> firstLine = new HashMap<>();
        for (CsvTable.Row row : csv.rows()) {
            String id = row.cell(0);
            if (id.isEmpty()) {
                throw new InputFormatException(csv.source(), row.line(), ID_COLUMN, "the image id is empty");
            }
            Long previous = firstLine.putIfAbsent(id, row.line());
            if (previous != null) {
                throw new InputFormatException(csv.source(), row.line(), ID_COLUMN,
                        "duplicate image id '" + id + "' (first on line " + previous + ")");
            }
            entries.add(new LandmarksTable.Entry(id, row.line(), parseRow(csv.source(), row, withTips)));
        }
        return LandmarksTable.of(csv.source(), entries);
    }

    /** @return whether the header carries the fingertip columns */
    private static boolean checkHeader(String source, List<String> header) {
        Set<String> known = new HashSet<>(REQUIRED_COLUMNS);
        known.addAll(FINGERTIP_COLUMNS);
        Set<String> seen = new HashSet<>();
        Set<String> repeated = new LinkedHashSet<>();
        Set<String> unknown = new LinkedHashSet<>();
        for (String column : header) {
            if (!seen.add(column)) {
                repeated.add(column);
            }
            if (!known.contains(column)) {
                unknown.add(column);
            }
        }
        boolean withTips = FINGERTIP_COLUMNS.stream().anyMatch(seen::contains);
        List<String> expected = new ArrayList<>(REQUIRED_COLUMNS);
        if (withTips) {
            expected.addAll(FINGERTIP_COLUMNS);
        }
        List<String> missing = expected.stream().filter(c -> !seen.contains(c)).toList();
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add("missing column(s) " + String.join(", ", missing));
        }
        if (!unknown.isEmpty()) {
            problems.add("unknown column(s) " + String.join(", ", unknown));
        }
        if (!repeated.isEmpty()) {
            problems.add("repeated column(s) " + String.join(", ", repeated));
        }
        if (problems.isEmpty() && !header.equals(expected)) {
            for (int i = 0; i < expected.size(); i++) {
                if (!header.get(i).equals(expected.get(i))) {
                    problems.add("columns out of order: column " + (i + 1) + " is " + header.get(i)
                            + " but must be " + expected.get(i));
                    break;
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InputFormatException(source, 1, null, "bad landmarks header: " + String.join("; ", problems)
                    + " (expected exactly " + String.join(",", expected) + ")");
        }
        return withTips;
    }

    private static HandLandmarks parseRow(String source, CsvTable.Row row, boolean withTips) {
        Map<ReferencePoint, Point> points = new EnumMap<>(ReferencePoint.class);
        int column = 1;
        for (ReferencePoint rp : ReferencePoint.values()) {
            points.put(rp, point(source, row, column));
            column += 2;
        }
        Map<Finger, Point> tips = new EnumMap<>(Finger.class);
        if (withTips && hasTips(source, row, column)) {
            for (Finger f : Finger.values()) {
                tips.put(f, point(source, row, column));
                column += 2;
            }
        }
        return HandLandmarks.of(points, tips);
    }

    /** @return whether the row's fingertip cells are filled; they must be all filled or all empty */
    private static boolean hasTips(String source, CsvTable.Row row, int firstTipColumn) {
        int filled = 0;
        String anEmpty = null;
        String aFilled = null;
        for (int i = 0; i < FINGERTIP_COLUMNS.size(); i++) {
            if (row.cell(firstTipColumn + i).isEmpty()) {
                anEmpty = anEmpty == null ? FINGERTIP_COLUMNS.get(i) : anEmpty;
            } else {
                filled++;
                aFilled = aFilled == null ? FINGERTIP_COLUMNS.get(i) : aFilled;
            }
        }
        if (filled != 0 && filled != FINGERTIP_COLUMNS.size()) {
            throw new InputFormatException(source, row.line(), anEmpty, "the cell is empty but " + aFilled
                    + " is not: give all five fingertips or leave all fingertip cells empty");
        }
        return filled != 0;
    }

    private static Point point(String source, CsvTable.Row row, int xColumn) {
        String xName = ALL_COLUMNS.get(xColumn);
        String yName = ALL_COLUMNS.get(xColumn + 1);
        double x = CsvTable.finiteNumber(row.cell(xColumn), source, row.line(), xName);
        double y = CsvTable.finiteNumber(row.cell(xColumn + 1), source, row.line(), yName);
        return new Point(x, y);
    }

    /**
     * Writes a table as a landmarks file (UTF-8, LF line ends). The fingertip columns are written when any entry has
     * fingertips; entries without them get empty fingertip cells. Coordinates are written in plain decimal notation,
     * with exactly the digits needed to read the same double back.
     *
     * @param table the landmarks
     * @param file  the file to create or replace
     * @throws IOException if the file cannot be written
     */
    public static void write(LandmarksTable table, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(table, out);
        }
    }

    /**
     * Writes a table as landmarks CSV text (the writer is flushed, not closed).
     *
     * @param table the landmarks
     * @param out   where to write
     * @throws IOException if writing fails
     */
    public static void write(LandmarksTable table, Writer out) throws IOException {
        boolean withTips = table.hasFingertips();
        List<String> header = new ArrayList<>(REQUIRED_COLUMNS);
        if (withTips) {
            header.addAll(FINGERTIP_COLUMNS);
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();
        CSVPrinter printer = new CSVPrinter(out, format);
        printer.printRecord(header);
        for (LandmarksTable.Entry e : table.entries()) {
            List<String> cells = new ArrayList<>(header.size());
            cells.add(e.id());
            for (ReferencePoint rp : ReferencePoint.values()) {
                addPoint(cells, e.landmarks().point(rp));
            }
            if (withTips) {
                for (Finger f : Finger.values()) {
                    Point tip = e.landmarks().fingertip(f).orElse(null);
                    if (tip == null) {
                        cells.add("");
                        cells.add("");
                    } else {
                        addPoint(cells, tip);
                    }
                }
            }
            printer.printRecord(cells);
        }
        printer.flush();
    }

    private static void addPoint(List<String> cells, Point p) {
        cells.add(plain(p.x()));
        cells.add(plain(p.y()));
    }

    /** Shortest round-tripping digits (as {@link Double#toString}) without exponent notation, which some tools misread. */
    private static String plain(double v) {
        return BigDecimal.valueOf(v).toPlainString();
    }
}
