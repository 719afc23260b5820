package io.github.boneage.core;

import java.util.Optional;

/**
 * A file (CSV, JSON, image) is malformed. Carries where: the file, and where meaningful the 1-based line and the
 * column or field name.
 */
public class InputFormatException extends BoneAgeException {

    /** The file or input name. */
    private final String source;
    /** The 1-based line number, or 0 when not applicable. */
    private final long line;
    /** The column or field name, or {@code null}. */
    private final String field;

    /**
     * @param source the file or input name
     * @param line   1-based line number, or 0 when not applicable
     * @param field  the column or field name, or {@code null}
     * @param reason what is wrong
     */
    public InputFormatException(String source, long line, String field, String reason) {
        super(describe(source, line, field, reason));
        this.source = source;
        this.line = line;
        this.field = field;
    }

    /**
     * @param source the file or input name
     * @param line   1-based line number, or 0 when not applicable
     * @param field  the column or field name, or {@code null}
     * @param reason what is wrong
     * @param cause  the underlying failure (e.g. a {@link NumberFormatException})
     */
    public InputFormatException(String source, long line, String field, String reason, Throwable cause) {
        super(describe(source, line, field, reason), cause);
        this.source = source;
        this.line = line;
        this.field = field;
    }

    /**
     * @param source the file or input name
     * @param reason what is wrong
     * @param cause  the underlying failure
     */
    public InputFormatException(String source, String reason, Throwable cause) {
        this(source, 0, null, reason, cause);
    }

    private static String describe(String source, long line, String field, String reason) {
        // StringBuilder(null) would throw and hide the real problem behind a NullPointerException
        StringBuilder sb = new StringBuilder(String.valueOf(source));
        if (line > 0) {
            sb.append(", line ").append(line);
        }
        if (field != null) {
            sb.append(", column ").append(field);
        }
        return sb.append(": ").append(reason).toString();
    }

    /** @return the file or input name */
    public String source() {
        return source;
    }

    /** @return the 1-based line, or 0 when not applicable */
    public long line() {
        return line;
    }

    /** @return the column or field name, if known */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
