package io.github.boneage.core.impl;

import io.github.boneage.core.InputFormatException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A small CSV file read completely, whose rows know the 1-based line they start on, so that format errors can name
 * the line a person sees in an editor (commons-csv's record numbers skip blank lines and count multi-line cells as one).
 *
 * <p>Internal to boneage: the dataset and landmarks readers share it; it is not part of the API.
 */
public final class CsvTable {

    /** How every boneage CSV is read: RFC 4180 quoting, blank lines skipped, spaces around cells ignored. */
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true)
            .get();

    /**
     * One data row.
     *
     * @param line  the 1-based line the row starts on
     * @param cells the row's cells, as many as the header has columns
     */
    public record Row(long line, List<String> cells) {

        /**
         * Copies the cells so the row stays immutable.
         *
         * @param line the 1-based line the row starts on
         * @param cells the row's cells, as many as the header has columns
         */
        public Row {
            cells = List.copyOf(cells);
        }

        /**
         * @param column the column, 0-based
         * @return the cell in the given column (0-based)
         */
        public String cell(int column) {
            return cells.get(column);
        }
    }

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final String source;
    private final List<String> header;
    private final List<Row> rows;

    private CsvTable(String source, List<String> header, List<Row> rows) {
        this.source = source;
        this.header = List.copyOf(header);
        this.rows = List.copyOf(rows);
    }

    /**
     * Reads a UTF-8 CSV file (a leading byte-order mark is ignored).
     *
     * @param file the file
     * @return the table; its source is the file's path as given
     * @throws IOException           if the file cannot be read
     * @throws InputFormatException naming the file and line if it is not UTF-8, empty, badly quoted, or a row's cell
     *                               count differs from the header's
     */
    public static CsvTable read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            // the JDK's message ("Input length = 1") names neither the file nor the problem
            throw new InputFormatException(file.toString(), "not UTF-8 text (save the file as UTF-8)", e);
        }
        return parse(file.toString(), text);
    }

    /**
     * Reads CSV text from a reader (not closed here).
     *
     * @param reader the text
     * @param source the name used in error messages
     * @return the table
     * @throws IOException           if the reader fails
     * @throws InputFormatException as for {@link #read(Path)}
     */
    public static CsvTable read(Reader reader, String source) throws IOException {
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[8192];
        for (int n; (n = reader.read(buffer)) >= 0; ) {
            text.append(buffer, 0, n);
        }
        return parse(source, text.toString());
    }

    private static CsvTable parse(String source, String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        LineIndex lines = new LineIndex(text);
        List<String> header = null;
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = FORMAT.parse(new StringReader(text))) {
            for (CSVRecord record : parser) {
                long line = lines.lineAt(record.getCharacterPosition());
                List<String> cells = record.toList();
                if (header == null) {
                    header = cells;
                } else if (cells.size() != header.size()) {
                    throw new InputFormatException(source, line, null,
                            "row has " + cells.size() + " cells but the header has " + header.size() + " columns");
                } else {
                    rows.add(new Row(line, cells));
                }
            }
        } catch (UncheckedIOException | IOException e) {
            // commons-csv reports bad quoting as an IOException (wrapped when thrown from the iterator)
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            throw new InputFormatException(source, "not valid CSV: " + cause.getMessage(), cause);
        }
        if (header == null) {
            throw new InputFormatException(source, 0, null, "the file is empty (expected a header line)");
        }
        return new CsvTable(source, header, rows);
    }

    /**
     * Parses a decimal number cell strictly: plain or scientific decimal notation only, so that Java-specific spellings
     * ({@code 1.5f}, {@code 0x1p3}), {@code NaN} and infinities are reported instead of read.
     *
     * @param text   the cell
     * @param source the file, for the error
     * @param line   the 1-based line, for the error
     * @param column the column name, for the error
     * @return the finite value
     * @throws InputFormatException naming file, line and column if the cell is empty, not a number or not finite
     */
    public static double finiteNumber(String text, String source, long line, String column) {
        if (text.isEmpty()) {
            throw new InputFormatException(source, line, column, "the cell is empty (expected a number)");
        }
        if (!DECIMAL.matcher(text).matches()) {
            throw new InputFormatException(source, line, column, "'" + text + "' is not a decimal number");
        }
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
            throw new InputFormatException(source, line, column, "'" + text + "' is not a finite number");
        }
        return value;
    }

    /** @return the name used in error messages (usually the file path) */
    public String source() {
        return source;
    }

    /** @return the header's column names, in file order */
    public List<String> header() {
        return header;
    }

    /** @return the data rows, in file order */
    public List<Row> rows() {
        return rows;
    }

    /** Maps character offsets to 1-based line numbers; CR, LF and CRLF each end a line. */
    private static final class LineIndex {
        private final String text;
        private final int[] lineStarts;

        LineIndex(String text) {
            this.text = text;
            int[] starts = new int[16];
            int count = 1;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean lineEnd = c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'));
                if (lineEnd) {
                    if (count == starts.length) {
                        starts = Arrays.copyOf(starts, count * 2);
                    }
                    starts[count++] = i + 1;
                }
            }
            this.lineStarts = Arrays.copyOf(starts, count);
        }

        /** @return the line of the first character at or after {@code offset} that is not a line break */
        long lineAt(long offset) {
            // commons-csv positions a record after skipped blank lines at the first of them
            int pos = (int) offset;
            while (pos < text.length() && (text.charAt(pos) == '\r' || text.charAt(pos) == '\n')) {
                pos++;
            }
            int found = Arrays.binarySearch(lineStarts, pos);
            return found >= 0 ? found + 1 : -found - 1;
        }
    }
}
