package io.github.boneage.core.landmarks;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The landmarks of many images, keyed by image id (the file name without extension), in the order they were read.
 * Each entry remembers the line it came from, so problems found later (a point outside its image) still name the
 * file, line and column. Immutable; read and write it with {@link LandmarksCsv}.
 */
public final class LandmarksTable {

    /**
     * One image's landmarks.
     *
     * @param id        the image id
     * @param line      the 1-based line of the landmarks file it was read from, or 0 when not read from a file
     * @param landmarks the landmarks, in the pixel coordinates of that image
     */
    public record Entry(String id, long line, HandLandmarks landmarks) {

        /**
         * @param id the image id
         * @param line the 1-based line of the landmarks file it was read from, or 0 when not read from a file
         * @param landmarks the landmarks, in the pixel coordinates of that image
         * @throws IllegalArgumentException if the id is blank or the landmarks are missing
         */
        public Entry {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("landmarks entry needs a non-blank image id, got '" + id + "'");
            }
            Objects.requireNonNull(landmarks, () -> "landmarks of " + id);
        }
    }

    private final String source;
    private final Map<String, Entry> entries;

    private LandmarksTable(String source, Map<String, Entry> entries) {
        this.source = source;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * Builds a table from entries, e.g. to write landmarks a detector found.
     *
     * @param source  the name used in error messages (a file name, or what produced the landmarks)
     * @param entries the entries, in the order they are to be written
     * @return the table
     * @throws IllegalArgumentException if two entries have the same id
     */
    public static LandmarksTable of(String source, List<Entry> entries) {
        Map<String, Entry> byId = new LinkedHashMap<>();
        for (Entry e : entries) {
            Entry previous = byId.putIfAbsent(e.id(), e);
            if (previous != null) {
                throw new IllegalArgumentException(source + ": duplicate image id '" + e.id() + "'");
            }
        }
        return new LandmarksTable(Objects.requireNonNull(source), byId);
    }

    /**
     * Builds a table from landmarks keyed by id (entries get line 0).
     *
     * @param source    the name used in error messages
     * @param landmarks the landmarks by image id, in the map's iteration order (use a sorted or linked map to fix it)
     * @return the table
     */
    public static LandmarksTable of(String source, Map<String, HandLandmarks> landmarks) {
        List<Entry> list = new ArrayList<>(landmarks.size());
        landmarks.forEach((id, lm) -> list.add(new Entry(id, 0, lm)));
        return of(source, list);
    }

    /** @return the file the table was read from, or the name it was given */
    public String source() {
        return source;
    }

    /** @return the number of images */
    public int size() {
        return entries.size();
    }

    /** @return the image ids, in file order */
    public Set<String> ids() {
        return entries.keySet();
    }

    /** @return every entry, in file order */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /**
     * @param id the image id
     * @return whether the table has landmarks for the image
     */
    public boolean contains(String id) {
        return entries.containsKey(id);
    }

    /**
     * @param id the image id
     * @return the image's entry (with its line), if present
     */
    public Optional<Entry> entry(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    /**
     * The image's landmarks without checking them against an image size; prefer {@link #forImage(String, int, int)}
     * once the image is loaded.
     *
     * @param id the image id
     * @return the landmarks, if present
     */
    public Optional<HandLandmarks> get(String id) {
        return entry(id).map(Entry::landmarks);
    }

    /** @return whether any entry has fingertips (the written file then has the fingertip columns) */
    public boolean hasFingertips() {
        return entries.values().stream().anyMatch(e -> e.landmarks().hasFingertips());
    }

    /**
     * The image's landmarks, checked to lie inside the image ({@code 0 <= x <= width}, {@code 0 <= y <= height}: a point
     * on the far border is allowed because coordinates are continuous, the origin being the top-left pixel's corner).
     *
     * @param id     the image id
     * @param width  the image width in pixels
     * @param height the image height in pixels
     * @return the landmarks, or empty if the table has none for the image
     * @throws InputFormatException naming this table's file, the entry's line and the column, e.g.
     *                              {@code ring_x: x=312.0 is outside the 299x299 image}
     * @throws IllegalArgumentException if the size is not positive
     */
    public Optional<HandLandmarks> forImage(String id, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        Entry entry = entries.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        Optional<String> outside = entry.landmarks().firstPointOutside(width, height);
        if (outside.isPresent()) {
            String column = outside.get();
            char axis = column.charAt(column.length() - 1);
            double value = coordinate(entry.landmarks(), column);
            // an entry that was not read from a file has no line to point at, so name the image instead
            String where = entry.line() > 0 ? "" : " (image " + id + ")";
            throw new InputFormatException(source, entry.line(), column,
                    axis + "=" + value + " is outside the " + width + "x" + height + " image" + where);
        }
        return Optional.of(entry.landmarks());
    }

    /** @return the coordinate a landmarks-CSV column holds, e.g. {@code ring_x} */
    private static double coordinate(HandLandmarks landmarks, String column) {
        String prefix = column.substring(0, column.length() - 2);
        boolean x = column.endsWith("_x");
        for (ReferencePoint rp : ReferencePoint.values()) {
            if (rp.columnPrefix().equals(prefix)) {
                Point p = landmarks.point(rp);
                return x ? p.x() : p.y();
            }
        }
        for (Finger f : Finger.values()) {
            if (f.tipColumnPrefix().equals(prefix)) {
                Point p = landmarks.fingertip(f).orElseThrow();
                return x ? p.x() : p.y();
            }
        }
        throw new IllegalArgumentException("not a landmarks column: " + column);
    }

    @Override
    public String toString() {
        return "LandmarksTable[" + source + ", " + entries.size() + " images]";
    }
}
