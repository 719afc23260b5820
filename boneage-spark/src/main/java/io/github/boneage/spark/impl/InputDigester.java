package io.github.boneage.spark.impl;

import io.github.boneage.core.InputFiles;
import io.github.boneage.core.Sex;
import io.github.boneage.spark.ScoreSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * First stage of a run, on the executors: checks each listed input (its sex and age, that its path is a regular
 * file) and computes its {@linkplain ScoreSchema#INPUT_DIGEST input digest}, the key by which a resumed run recognises
 * what it already scored. A row that fails a check keeps its place with the reason in {@link ScoreSchema#ERROR}.
 * Reads and writes rows of {@link ScoreSchema#INPUTS}.
 */
public final class InputDigester implements MapFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** The table's folder, against which relative paths are resolved; {@code null} for listed files. */
    private final String baseDir;

    /**
     * @param baseDir folder that relative paths are resolved against, or {@code null} when every path is absolute
     */
    public InputDigester(String baseDir) {
        this.baseDir = baseDir;
    }

    @Override
    public Row call(Row row) {
        String id = row.getString(0);
        String path = row.getString(1);
        String sex = row.getString(2);
        String age = row.getString(3);
        if (!row.isNullAt(5)) {
            return row;
        }
        if (path == null || path.isBlank()) {
            return failed(id, path, sex, age, "the row has no path");
        }
        Path file;
        try {
            file = baseDir == null ? Paths.get(path) : Paths.get(baseDir).resolve(path);
        } catch (java.nio.file.InvalidPathException e) {
            return failed(id, path, sex, age, "not a valid path: " + e.getMessage());
        }
        String resolved = file.toString();
        String sexLabel;
        try {
            sexLabel = sex == null || sex.isBlank() ? "" : Sex.parse(sex).label();
        } catch (IllegalArgumentException e) {
            return failed(id, resolved, sex, age, "sex column: " + e.getMessage());
        }
        String ageText;
        try {
            ageText = age == null || age.isBlank() ? "" : String.valueOf(parseAge(age));
        } catch (IllegalArgumentException e) {
            return failed(id, resolved, sex, age, "age_months column: " + e.getMessage());
        }
        try {
            // Checked before opening: reading a FIFO named as an image would block the task forever.
            InputFiles.requireRegularFile(file);
        } catch (NoSuchFileException e) {
            return failed(id, resolved, sex, age, "no such file");
        } catch (IOException e) {
            return failed(id, resolved, sex, age, "cannot read its attributes: " + e.getMessage());
        } catch (RuntimeException e) {
            // The library's typed error (a folder, FIFO or device named as an image) already names the file.
            return RowFactory.create(id, resolved, sex, age, null, e.getMessage());
        }
        try {
            String digest = digest(file, sexLabel, ageText);
            return RowFactory.create(id, resolved, sex, age, digest, null);
        } catch (IOException e) {
            return failed(id, resolved, sex, age, "cannot be read: " + e);
        }
    }

    /**
     * @param text an age in months as written in a table
     * @return the age
     * @throws IllegalArgumentException naming the text when it is not a finite, non-negative number
     */
    public static double parseAge(String text) {
        double months;
        try {
            months = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number of months");
        }
        if (!Double.isFinite(months) || months < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a finite, non-negative number of months");
        }
        return months;
    }

    /**
     * @param file the radiograph
     * @param sex  the sex given for it ({@code ""} when none)
     * @param age  the age given for it ({@code ""} when none)
     * @return SHA-256 (hex) of the file's bytes, then {@code "\nsex=" + sex + "\nage=" + age}: a corrected table row
     *         is scored again, an unchanged one is not
     * @throws IOException if the file cannot be read
     */
    static String digest(Path file, String sex, String age) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0;) {
                sha.update(buffer, 0, n);
            }
        }
        sha.update(("\nsex=" + sex.toLowerCase(Locale.ROOT) + "\nage=" + age).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    private static Row failed(String id, String path, String sex, String age, String message) {
        return RowFactory.create(id, path, sex, age, null, (path == null ? id : path) + ": " + message);
    }
}
