package io.github.boneage.clinical.report;

import io.github.boneage.core.BoneAgeException;
import java.nio.file.Path;

/**
 * A report file (JSON, HTML, FHIR, heatmap PNG) was not written: its id is unsafe as a file name (a {@code /},
 * {@code ..}, NUL or other control character), the file to replace is a symbolic link or not a regular file, or the
 * disk refused it. The message names the file (or the id) and the reason; nothing outside the report folder is ever
 * touched.
 */
public class ReportWriteException extends BoneAgeException {

    private final transient Path file;

    /**
     * @param file   the file that was to be written (for an unsafe id: the folder)
     * @param reason what is wrong
     */
    public ReportWriteException(Path file, String reason) {
        super("report file " + file + ": " + reason);
        this.file = file;
    }

    /**
     * @param file   the file that was to be written
     * @param reason what is wrong
     * @param cause  the underlying failure
     */
    public ReportWriteException(Path file, String reason, Throwable cause) {
        super("report file " + file + ": " + reason, cause);
        this.file = file;
    }

    /** @return the file that was to be written (for an unsafe id: the folder) */
    public Path file() {
        return file;
    }
}
