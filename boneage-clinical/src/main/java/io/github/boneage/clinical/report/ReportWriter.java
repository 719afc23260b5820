package io.github.boneage.clinical.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a report's files into a folder: {@code <id>.json} ({@link ReportJson}), {@code <id>.html} ({@link HtmlReport})
 * and {@code <id>.fhir.json} (a FHIR Observation, {@link io.github.boneage.clinical.fhir.FhirObservation}).
 */
public final class ReportWriter {

    private ReportWriter() {
    }

    /**
     * @param report the report
     * @param folder the output folder (created when missing)
     * @param id     the file stem, e.g. the image's name without extension
     * @return the files written
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static List<Path> write(BoneAgeReport report, Path folder, String id) {
        Path json = folder.resolve(id + ".json");
        Path html = folder.resolve(id + ".html");
        Path fhir = folder.resolve(id + ".fhir.json");
        try {
            Files.createDirectories(folder);
            Files.writeString(json, ReportJson.toJson(report), StandardCharsets.UTF_8);
            Files.writeString(html, HtmlReport.toHtml(report), StandardCharsets.UTF_8);
            Files.writeString(fhir, io.github.boneage.clinical.fhir.FhirObservation.toJson(report), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report for " + report.sourceId() + " into " + folder + ": "
                    + e.getMessage(), e);
        }
        return List.of(json, html, fhir);
    }
}
