package io.github.boneage.cli;

import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.Sex;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The batch manifest of {@code estimate --manifest FILE.csv}: one radiograph per row with what is known about the
 * patient. Header (any order, names exact, case-insensitive): {@value #FILE} (required), {@value #SEX},
 * {@value #AGE} and {@value #ID} (each optional). An empty {@code sex} or age cell means "not known"; an empty
 * {@code id} cell means "the file name without folders and extension". Relative file paths resolve against the
 * manifest's folder.
 *
 * <p>A problem with the file as a whole (unreadable, not UTF-8, bad quoting, no or a wrong header) throws; a problem
 * with one row (wrong cell count, empty or missing file, bad sex, an age that is not a number or outside
 * [0, {@value #MAX_AGE_MONTHS}] months, an unsafe or duplicate id) becomes that row's {@link InputFormatException}
 * naming the manifest, the line and the column, and the other rows are kept. Nothing is clamped or guessed.
 */
final class BatchManifest {

    /** Column: the image file (PNG, JPEG or DICOM), relative to the manifest's folder or absolute. */
    static final String FILE = "file";
    /** Column: {@code male}, {@code female} or {@code unknown} (also {@code M}/{@code F}/{@code U}). */
    static final String SEX = "sex";
    /** Column: the chronological age in months. */
    static final String AGE = "chronological_age_months";
    /** Column: the id naming the image in outputs and report files. */
    static final String ID = "id";
    /** The oldest chronological age accepted, in months (20 years; the Greulich-Pyle atlas ends at 19). */
    static final double MAX_AGE_MONTHS = 240;
    /** The longest id accepted. */
    static final int MAX_ID_LENGTH = 100;

    private static final List<String> COLUMNS = List.of(FILE, SEX, AGE, ID);
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true)
            .get();

    /**
     * One row: either an entry to estimate or the row's error.
     *
     * @param line       the 1-based line the row starts on
     * @param id         the row's id (given or derived from the file name); for a bad row, the best name known
     * @param file       the image file, resolved against the manifest's folder; {@code null} when the cell is unusable
     * @param sex        the patient's sex, {@code null} when not given
     * @param ageMonths  the chronological age in months, {@code null} when not given
     * @param error      what is wrong with the row, {@code null} for a good row
     */
    record Item(long line, String id, Path file, Sex sex, Double ageMonths, InputFormatException error) {
    }

    private final Path path;
    private final String name;
    private final List<Item> items;

    private BatchManifest(Path path, String name, List<Item> items) {
        this.path = path;
        this.name = name;
        this.items = List.copyOf(items);
    }

    /**
     * Reads a manifest.
     *
     * @param manifest the CSV file
     * @param name     how messages name it (its path, or only its file name when outputs must not show local paths)
     * @return the rows, in file order
     * @throws UncheckedIOException  naming the file when it cannot be read
     * @throws InputFormatException naming the file (and line and column) when it is not UTF-8, not valid CSV, empty,
     *                               or its header lacks {@value #FILE}, repeats a column or has an unknown one
     */
    static BatchManifest read(Path manifest, String name) {
        String text;
        try {
            text = Files.readString(manifest, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new InputFormatException(name, "not UTF-8 text (save the manifest as UTF-8)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest " + name + ": " + e.getMessage(), e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Path folder = manifest.toAbsolutePath().getParent();
        return new BatchManifest(manifest, name, parse(text, name, folder));
    }

    /** @return the manifest file as given */
    Path path() {
        return path;
    }

    /** @return the manifest's name in messages */
    String name() {
        return name;
    }

    /** @return every data row, good or bad, in file order */
    List<Item> items() {
        return items;
    }

    private static List<Item> parse(String text, String name, Path folder) {
        long[] lineStarts = lineStarts(text);
        List<CSVRecord> records = new ArrayList<>();
        try (CSVParser parser = FORMAT.parse(new StringReader(text))) {
            for (CSVRecord record : parser) {
                records.add(record);
            }
        } catch (UncheckedIOException | IOException e) {
            // commons-csv reports bad quoting as an IOException (wrapped when thrown from its iterator)
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            throw new InputFormatException(name, "not valid CSV: " + cause.getMessage(), cause);
        }
        if (records.isEmpty()) {
            throw new InputFormatException(name, 0, null, "the file is empty (expected the header "
                    + String.join(",", COLUMNS) + ")");
        }
        CSVRecord headerRecord = records.get(0);
        long headerLine = lineAt(text, lineStarts, headerRecord.getCharacterPosition());
        Map<String, Integer> columns = header(headerRecord.toList(), name, headerLine);
        int width = headerRecord.size();

        // Explicit ids first, so that a derived id never takes an id a later row names explicitly.
        Set<String> explicitIds = new HashSet<>();
        if (columns.containsKey(ID)) {
            for (CSVRecord r : records.subList(1, records.size())) {
                if (r.size() == width && !r.get(columns.get(ID)).isEmpty()) {
                    explicitIds.add(r.get(columns.get(ID)));
                }
            }
        }
        Map<String, Long> idLines = new HashMap<>();
        Set<String> used = new HashSet<>(explicitIds);
        List<Item> items = new ArrayList<>();
        for (CSVRecord r : records.subList(1, records.size())) {
            long line = lineAt(text, lineStarts, r.getCharacterPosition());
            items.add(row(r, line, width, columns, name, folder, idLines, used));
        }
        return items;
    }

    private static Map<String, Integer> header(List<String> cells, String name, long line) {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            String column = cells.get(i).toLowerCase(Locale.ROOT);
            if (!COLUMNS.contains(column)) {
                throw new InputFormatException(name, line, cells.get(i), "unknown column (the manifest's columns are "
                        + String.join(", ", COLUMNS) + "; only " + FILE + " is required)");
            }
            if (columns.put(column, i) != null) {
                throw new InputFormatException(name, line, cells.get(i), "the column appears twice");
            }
        }
        if (!columns.containsKey(FILE)) {
            throw new InputFormatException(name, line, FILE, "the header has no '" + FILE + "' column (expected "
                    + String.join(",", COLUMNS) + ")");
        }
        return columns;
    }

    private static Item row(CSVRecord r, long line, int width, Map<String, Integer> columns, String name, Path folder,
            Map<String, Long> idLines, Set<String> used) {
        String fileCell = r.size() > columns.get(FILE) ? r.get(columns.get(FILE)) : "";
        String fallbackId = fallbackId(fileCell, line);
        // Every row, good or bad, gets a distinct name in the output.
        if (r.size() != width) {
            return bad(line, unique(used, fallbackId), new InputFormatException(name, line, null, "row has " + r.size()
                    + " cells but the header has " + width + " columns"));
        }
        String idCell = columns.containsKey(ID) ? r.get(columns.get(ID)) : "";
        String id;
        if (!idCell.isEmpty()) {
            String reason = unsafeId(idCell);
            if (reason != null) {
                return bad(line, unique(used, fallbackId), new InputFormatException(name, line, ID, "id '"
                        + printable(idCell) + "' " + reason));
            }
            Long first = idLines.putIfAbsent(idCell, line);
            if (first != null) {
                return bad(line, unique(used, idCell), new InputFormatException(name, line, ID, "duplicate id '" + idCell
                        + "' (first used on line " + first + ")"));
            }
            id = idCell;
        } else {
            id = unique(used, fallbackId);
        }
        if (fileCell.isEmpty()) {
            return bad(line, id, new InputFormatException(name, line, FILE, "the cell is empty (expected the image's path)"));
        }
        Path file;
        try {
            file = folder.resolve(fileCell).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            return bad(line, id, new InputFormatException(name, line, FILE, "'" + printable(fileCell)
                    + "' is not a valid path: " + e.getReason(), e));
        }
        if (!Files.exists(file)) {
            return bad(line, id, new InputFormatException(name, line, FILE, "'" + fileCell + "' does not exist"
                    + (Path.of(fileCell).isAbsolute() ? "" : " (relative paths are read from the manifest's folder)")));
        }
        if (!Files.isRegularFile(file)) {
            return bad(line, id, new InputFormatException(name, line, FILE, "'" + fileCell + "' is not a regular file"));
        }
        Sex sex = null;
        if (columns.containsKey(SEX) && !r.get(columns.get(SEX)).isEmpty()) {
            try {
                sex = Sex.parse(r.get(columns.get(SEX)));
            } catch (IllegalArgumentException e) {
                return bad(line, id, new InputFormatException(name, line, SEX, e.getMessage(), e));
            }
        }
        Double age = null;
        if (columns.containsKey(AGE) && !r.get(columns.get(AGE)).isEmpty()) {
            String cell = r.get(columns.get(AGE));
            // Plain decimal notation only: Double.parseDouble would also read NaN, Infinity, hex and "1.5f".
            if (!DECIMAL.matcher(cell).matches()) {
                return bad(line, id, new InputFormatException(name, line, AGE, "'" + printable(cell)
                        + "' is not a number of months"));
            }
            double value = Double.parseDouble(cell);
            if (!Double.isFinite(value) || value < 0 || value > MAX_AGE_MONTHS) {
                return bad(line, id, new InputFormatException(name, line, AGE, "'" + printable(cell)
                        + "' is not an age in months between 0 and " + (int) MAX_AGE_MONTHS));
            }
            age = value;
        }
        return new Item(line, id, file, sex, age, null);
    }

    /** @return the id a row without one gets: its file name without folders and extension, or {@code line-N} */
    private static String fallbackId(String fileCell, long line) {
        String base = fileCell.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        base = dot > 0 ? base.substring(0, dot) : base;
        return base.isEmpty() ? "line-" + line : printable(base);
    }

    private static Item bad(long line, String id, InputFormatException error) {
        return new Item(line, id, null, null, null, error);
    }

    /** @return why {@code id} cannot name report files, or {@code null} when it can */
    private static String unsafeId(String id) {
        if (id.length() > MAX_ID_LENGTH) {
            return "is longer than " + MAX_ID_LENGTH + " characters";
        }
        if (!SAFE_ID.matcher(id).matches()) {
            return "must start with a letter or digit and hold only letters, digits, '.', '_' and '-' (it names report files)";
        }
        return null;
    }

    /** @return {@code id}, or {@code id-2}, {@code id-3}... when it is already used */
    static String unique(Set<String> used, String id) {
        String candidate = id;
        for (int n = 2; !used.add(candidate); n++) {
            candidate = id + "-" + n;
        }
        return candidate;
    }

    /** Control characters shown as {@code ?}, so that a cell cannot forge lines in messages. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    /** @return the offsets at which lines start; CR, LF and CRLF each end a line */
    private static long[] lineStarts(String text) {
        long[] starts = new long[16];
        int count = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                }
                starts[count++] = i + 1;
            }
        }
        return Arrays.copyOf(starts, count);
    }

    /** @return the 1-based line of the first character at or after {@code offset} that is not a line break */
    private static long lineAt(String text, long[] lineStarts, long offset) {
        // commons-csv positions a record that follows skipped blank lines at the first of them
        int pos = (int) offset;
        while (pos < text.length() && (text.charAt(pos) == '\r' || text.charAt(pos) == '\n')) {
            pos++;
        }
        int found = Arrays.binarySearch(lineStarts, pos);
        return found >= 0 ? found + 1 : -found - 1;
    }
}
