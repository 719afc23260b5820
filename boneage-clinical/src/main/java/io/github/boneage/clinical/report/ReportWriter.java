package io.github.boneage.clinical.report;

import io.github.boneage.clinical.fhir.FhirObservation;
import io.github.boneage.clinical.impl.SafeFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a report's files into a folder: {@code <id>.json} ({@link ReportJson}), {@code <id>.html} ({@link HtmlReport})
 * and {@code <id>.fhir.json} (a FHIR Observation, {@link FhirObservation}).
 *
 * <p>Files only ever land inside the folder: an id that is not a plain file name ({@code /}, {@code \}, {@code ..},
 * NUL or other control characters, a leading dot) is refused, an existing file that is a symbolic link (or not a
 * regular file) is refused rather than written through, and each file is written to a temporary file in the same
 * folder and atomically renamed into place, so a reader never sees half a report. The folder itself may be a symbolic
 * link (it is the caller's choice). Use {@link #checkId(Path, String)} to check an id before estimating.
 */
public final class ReportWriter {

    private ReportWriter() {
    }

    /**
     * Checks that {@code id} can name report files in {@code folder}.
     *
     * @param folder the output folder (for the message)
     * @param id     the file stem
     * @throws ReportWriteException naming the id and why it is unsafe
     */
    public static void checkId(Path folder, String id) {
        String reason = SafeFiles.unsafeNameReason(id);
        if (reason == null) {
            // The longest derived name must fit too.
            reason = SafeFiles.unsafeNameReason(id + "-heatmap.png");
        }
        if (reason != null) {
            throw new ReportWriteException(folder, "report id '" + SafeFiles.printable(String.valueOf(id)) + "' " + reason
                    + "; refused (ids must be plain file names)");
        }
    }

    /**
     * @param report the report
     * @param folder the output folder (created when missing; may be a symbolic link)
     * @param id     the file stem, e.g. the image's name without extension; a plain file name
     * @return the files written
     * @throws ReportWriteException naming the file (or the id) when the id is unsafe, a file to replace is a symbolic
     *                              link or not a regular file, or it cannot be written
     */
    public static List<Path> write(BoneAgeReport report, Path folder, String id) {
        checkId(folder, id);
        Path json = SafeFiles.write(folder, id + ".json", ReportJson.toJson(report).getBytes(StandardCharsets.UTF_8));
        Path html = SafeFiles.write(folder, id + ".html", HtmlReport.toHtml(report).getBytes(StandardCharsets.UTF_8));
        Path fhir = SafeFiles.write(folder, id + ".fhir.json", FhirObservation.toJson(report).getBytes(StandardCharsets.UTF_8));
        return List.of(json, html, fhir);
    }
}
